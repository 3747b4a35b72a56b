//! The chapter's interactive shell: `cargo run -p dynamic-super`.
//!
//! The shell starts the chapter's final tree: `SuperDuper.Supervisor` over the three static
//! characters and `SuperDuper.DynamicSupervisor`, plus `SuperDuper.Registry` (unique keys),
//! which the chapter starts from IEx for its via names. A reader adds and removes characters
//! at run time, crashes them, and names them through the registry:
//! `add_character supergirl "Flies high"`, `which_children SuperDuper.DynamicSupervisor`,
//! `via_add superfly "Via Registry"`, `Registry.lookup superfly`, `via_die superfly`...
//!
//! ```
//! let out = dynamic_super::shell::iex()
//!     .transcript("add_character supergirl \"Flies high\"\nsay supergirl");
//! assert!(out.contains("iex(2)> say supergirl\n\"Flies high\"\n"));
//! ```

use otp_core::gen_server::{self, GenServer, ServerRef};
use otp_core::registry::{self, Registry};
use otp_core::{Atom, dynamic_supervisor};
use teaching::iex::{Command, Ctx, Iex, Reply, ShellError, supervisor_error};

use crate::application::{self, APP, DYNAMIC_SUPERVISOR, SUPERVISOR, Tree};
use crate::core::Character;
use crate::server::{Call, Cast, Server};
use crate::via_server::{self, REGISTRY, Registrar, ViaServer};
use crate::{RemoveError, add_character, remove_character};

fn character(ctx: &Ctx, word: &str) -> Result<ServerRef<Server>, ShellError> {
    ctx.server::<Server>(word)
}

async fn the_registry() -> Result<Registry<Atom, ()>, ShellError> {
    Registry::<Atom, ()>::named(REGISTRY)
        .await
        .map_err(|e| ShellError::exit(format!("{REGISTRY}: {e}")))
}

fn started(
    result: Result<otp_core::Pid, otp_core::supervisor::SupervisorError>,
) -> Result<Reply, ShellError> {
    match result {
        Ok(pid) => Ok(Reply::ok_pid(pid)),
        Err(e) => supervisor_error(&e),
    }
}

/// The chapter's shell: the tree, the registry, and the chapter's API as commands.
pub fn iex() -> Iex {
    Iex::new("super_duper (chapter 4)")
        .application(APP, || async {
            application::start_link(Tree::new().dynamic(true))
                .await
                .map(|sup| sup.pid())
        })
        .application("registry", || async {
            Registry::<Atom, ()>::start_link(registry::Options::unique().name(REGISTRY))
                .await
                .map(|r| r.pid())
        })
        .root(SUPERVISOR)
        .command(
            Command::new(
                "add_character",
                "<name> <says>",
                "starts a character under the DynamicSupervisor (quote the words it says)",
                |ctx, args| async move {
                    let name = ctx.atom(&args[0]);
                    started(add_character(name.as_str(), &args[1]).await)
                },
            )
            .alias("SuperDuper.add_character"),
        )
        .command(
            Command::new(
                "remove_character",
                "<name>",
                "stops a character the DynamicSupervisor started, and forgets it",
                |ctx, args| async move {
                    let name = ctx.atom(&args[0]);
                    match remove_character(name.as_str()).await {
                        Ok(()) => Ok(Reply::ok()),
                        Err(RemoveError::NotRunning(name)) => Err(ShellError::new(
                            "FunctionClauseError",
                            format!("no character named {name} is running"),
                        )),
                        Err(RemoveError::Supervisor(e)) => supervisor_error(&e),
                    }
                },
            )
            .alias("SuperDuper.remove_character"),
        )
        .command(
            Command::new(
                "say",
                "<name>",
                "what a character says (a call)",
                |ctx, args| async move {
                    match gen_server::call(&character(&ctx, &args[0])?, Call::Say).await {
                        Ok(quote) => Ok(Reply::value(&quote)),
                        Err(e) => Err(ShellError::exit(e.to_string())),
                    }
                },
            )
            .alias("SuperDuper.say"),
        )
        .command(
            Command::new(
                "die",
                "<name>",
                "makes a character raise \"Boom\" (a cast): its supervisor restarts it",
                |ctx, args| async move {
                    gen_server::cast(&character(&ctx, &args[0])?, Cast::Die);
                    Ok(Reply::ok())
                },
            )
            .alias("SuperDuper.die"),
        )
        .command(Command::new(
            "via_add",
            "<name> <says>",
            "starts a character under the DynamicSupervisor, named through SuperDuper.Registry",
            |ctx, args| async move {
                let character = Character::new(ctx.atom(&args[0]), args[1].to_string());
                let spec = ViaServer::child_spec((character, Registrar::Registry));
                started(dynamic_supervisor::start_child(DYNAMIC_SUPERVISOR, spec).await)
            },
        ))
        .command(Command::new(
            "via_say",
            "<key>",
            "what a via-named character says, found through the registry",
            |ctx, args| async move {
                let key = ctx.atom(&args[0]);
                match via_server::say(key.as_str(), Registrar::Registry).await {
                    Ok(quote) => Ok(Reply::value(&quote)),
                    Err(e) => Err(ShellError::exit(e.to_string())),
                }
            },
        ))
        .command(Command::new(
            "via_die",
            "<key>",
            "crashes a via-named character: it comes back under the same name",
            |ctx, args| async move {
                let key = ctx.atom(&args[0]);
                if the_registry().await?.whereis(&key).is_none() {
                    return Err(ShellError::argument(format!(
                        "nothing is registered as {key} in {REGISTRY}"
                    )));
                }
                match via_server::die(key.as_str(), Registrar::Registry).await {
                    Ok(()) => Ok(Reply::ok()),
                    Err(e) => Err(ShellError::exit(e.to_string())),
                }
            },
        ))
        .command(Command::new(
            "Registry.lookup",
            "<key>",
            "who is registered under a key in SuperDuper.Registry: [{pid, value}]",
            |ctx, args| async move {
                let key = ctx.atom(&args[0]);
                let entries = the_registry()
                    .await?
                    .lookup(&key)
                    .map_err(|e| ShellError::exit(e.to_string()))?;
                let shown: Vec<String> = entries
                    .iter()
                    .map(|(pid, ())| format!("{{{pid}, nil}}"))
                    .collect();
                Ok(Reply::text(format!("[{}]", shown.join(", "))))
            },
        ))
        .command(Command::new(
            "Registry.keys",
            "<pid>",
            "the keys a process holds in SuperDuper.Registry",
            |ctx, args| async move {
                let pid = ctx.pid(&args[0])?;
                let keys = the_registry()
                    .await?
                    .keys(&pid)
                    .map_err(|e| ShellError::exit(e.to_string()))?;
                Ok(Reply::value(&keys))
            },
        ))
        .command(Command::new(
            "Registry.count",
            "",
            "how many keys SuperDuper.Registry holds",
            |_ctx, _args| async move {
                let count = the_registry()
                    .await?
                    .count()
                    .map_err(|e| ShellError::exit(e.to_string()))?;
                Ok(Reply::value(&count))
            },
        ))
}
