//! The chapter's interactive shell: `cargo run -p super-duper`.
//!
//! The shell starts the application as `iex -S mix` does: the banner, `SuperDuper.Supervisor`
//! (one_for_one) and the three characters. Then a reader makes them talk and die, and watches
//! the supervisor bring them back: `say superman`, `die superman`, `which_children`, `tree`,
//! `observe` for the live view, `Process.exit superman kill`, `restart_child superman`...
//!
//! ```
//! let out = super_duper::shell::iex().transcript("say superman");
//! assert!(out.contains("iex(1)> say superman\n\"It doesn't take X-Ray Vision"));
//! ```

use otp_core::{Atom, ServerRef};
use teaching::iex::{Command, Ctx, Iex, Reply, ShellError};

use crate::application::{self, APP, SUPERVISOR};
use crate::core::CHARACTERS;
use crate::server::{self, Server};

fn character(ctx: &Ctx, word: &str) -> Result<ServerRef<Server>, ShellError> {
    ctx.server::<Server>(word)
}

/// The chapter's shell: the application, and the characters' API as commands.
pub fn iex() -> Iex {
    Iex::new("super_duper (chapter 3)")
        .application(APP, || async {
            application::start(application::Options::new())
                .await
                .map(|sup| sup.pid())
        })
        .root(SUPERVISOR)
        .command(
            Command::new(
                "say",
                "<name>",
                "what a character says (a call)",
                |ctx, args| async move {
                    match server::say(&character(&ctx, &args[0])?).await {
                        Ok(quote) => Ok(Reply::value(&quote)),
                        Err(e) => Err(ShellError::exit(e.to_string())),
                    }
                },
            )
            .alias("SuperDuper.say")
            .alias("SuperDuper.Server.say"),
        )
        .command(
            Command::new(
                "die",
                "<name>",
                "makes a character raise \"Boom\" (a cast): watch its supervisor restart it",
                |ctx, args| async move {
                    server::die(&character(&ctx, &args[0])?);
                    Ok(Reply::ok())
                },
            )
            .alias("SuperDuper.die")
            .alias("SuperDuper.Server.die"),
        )
        .command(Command::new(
            "characters",
            "",
            "the characters the application starts",
            |_ctx, _args| async {
                let names: Vec<Atom> = CHARACTERS.iter().map(|&n| Atom::new(n)).collect();
                Ok(Reply::value(&names))
            },
        ))
}
