//! The commands every shell has: IEx's helpers and the OTP calls the book types.

use otp_core::dynamic_supervisor;
use otp_core::observer;
use otp_core::process::{self, Received};
use otp_core::supervisor::{self, SupervisorError};
use otp_core::{Atom, ExitReason};

use super::command::{Args, Command, Reply, ShellError};
use super::context::{Ctx, Sup};

/// Elixir's answer for a supervisor call that returned an error: `{:error, :not_found}` and
/// the like are values, printed; a supervisor that could not be reached is an exit.
///
/// ```
/// use otp_core::gen_server::CallError;
/// use otp_core::supervisor::SupervisorError;
/// use teaching::iex::supervisor_error;
///
/// let printed = supervisor_error(&SupervisorError::NotFound).unwrap();
/// assert_eq!(printed.to_string(), "{:error, :not_found}");
/// let gone = supervisor_error(&SupervisorError::Call(CallError::NoProc)).unwrap_err();
/// assert!(gone.to_string().starts_with("** (exit) no process"));
/// ```
pub fn supervisor_error(e: &SupervisorError) -> Result<Reply, ShellError> {
    let term = match e {
        SupervisorError::NotFound => ":not_found".to_string(),
        SupervisorError::Running => ":running".to_string(),
        SupervisorError::Restarting => ":restarting".to_string(),
        SupervisorError::AlreadyStarted(pid) => format!("{{:already_started, {pid}}}"),
        SupervisorError::AlreadyPresent => ":already_present".to_string(),
        SupervisorError::MaxChildren => ":max_children".to_string(),
        SupervisorError::Start(e) => format!("{e:?}"),
        SupervisorError::Call(e) => return Err(ShellError::exit(e.to_string())),
    };
    Ok(Reply::text(format!("{{:error, {term}}}")))
}

/// An exit reason as typed: `kill`, `normal`, `shutdown`, or any other atom.
fn reason(ctx: &Ctx, word: &str) -> ExitReason {
    match ctx.atom(word).as_str() {
        "kill" => ExitReason::Kill,
        "normal" => ExitReason::Normal,
        "shutdown" => ExitReason::Shutdown,
        other => ExitReason::custom(other),
    }
}

fn boolean(word: &str) -> Result<bool, ShellError> {
    match word {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(ShellError::argument(format!(
            "expected true or false, got: {other}"
        ))),
    }
}

/// The supervisor and the last argument of `terminate_child [<sup>] <id>` and its kin.
fn sup_and_last(ctx: &Ctx, args: &Args) -> Result<(Sup, String), ShellError> {
    let (sup, last) = match args.len() {
        2 => (Some(&args[0]), &args[1]),
        _ => (None, &args[0]),
    };
    Ok((ctx.supervisor(sup)?, last.to_string()))
}

fn help(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let commands = &ctx.session.commands;
    if let Some(name) = args.get(0) {
        let Some(c) = commands.iter().find(|c| c.answers_to(name)) else {
            return Err(ShellError::argument(format!(
                "no command {name}: type help for the list"
            )));
        };
        ctx.say(format!("{}\n    {}", c.synopsis(), c.help));
        if !c.aliases.is_empty() {
            ctx.say(format!("    also: {}", c.aliases.join(", ")));
        }
        return Ok(Reply::none());
    }
    ctx.say(
        "Commands (<required> and [<optional>] arguments; a <pid> is typed as #PID<0.N.0> or \
         0.N.0, a registered name, self, or a variable bound with name = command; Tab completes):",
    );
    let width = commands
        .iter()
        .map(|c| c.synopsis().len())
        .max()
        .unwrap_or(0);
    for c in commands {
        ctx.say(format!("  {:width$}  {}", c.synopsis(), c.help));
    }
    Ok(Reply::none())
}

async fn flush(ctx: &Ctx) -> Reply {
    let mut inbox = ctx.mailbox.lock().await;
    while let Some(message) = inbox.try_receive() {
        match message {
            Received::Msg(atom) => ctx.say(atom),
            Received::Exit { from, reason } => ctx.say(format!("{{:EXIT, {from}, {reason}}}")),
            Received::Down(down) => ctx.say(down),
            Received::NodeDown(node) => ctx.say(format!("{{:nodedown, {node}}}")),
        }
    }
    Reply::ok()
}

async fn which_children(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let result = match ctx.supervisor(args.get(0))? {
        Sup::Supervisor(s) => supervisor::which_children(&s).await,
        Sup::Dynamic(d) => dynamic_supervisor::which_children(&d).await,
    };
    match result {
        Ok(children) => Ok(Reply::value(&children)),
        Err(e) => supervisor_error(&e),
    }
}

async fn count_children(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let result = match ctx.supervisor(args.get(0))? {
        Sup::Supervisor(s) => supervisor::count_children(&s).await,
        Sup::Dynamic(d) => dynamic_supervisor::count_children(&d).await,
    };
    match result {
        Ok(counts) => Ok(Reply::value(&counts)),
        Err(e) => supervisor_error(&e),
    }
}

async fn terminate_child(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let (sup, child) = sup_and_last(ctx, args)?;
    let result = match sup {
        Sup::Supervisor(s) => supervisor::terminate_child(&s, ctx.atom(&child)).await,
        Sup::Dynamic(d) => {
            // A DynamicSupervisor's children have no ids: it takes a pid.
            let pid = ctx.pid(&child)?;
            dynamic_supervisor::terminate_child(&d, &pid).await
        }
    };
    match result {
        Ok(()) => Ok(Reply::ok()),
        Err(e) => supervisor_error(&e),
    }
}

fn only_supervisor(sup: Sup, what: &str) -> Result<supervisor::SupervisorRef, ShellError> {
    match sup {
        Sup::Supervisor(s) => Ok(s),
        Sup::Dynamic(d) => Err(ShellError::argument(format!(
            "{} is a DynamicSupervisor, which has no {what}: its children have no ids",
            d.pid()
        ))),
    }
}

async fn restart_child(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let (sup, id) = sup_and_last(ctx, args)?;
    let sup = only_supervisor(sup, "restart_child")?;
    match supervisor::restart_child(&sup, ctx.atom(&id)).await {
        Ok(pid) => Ok(Reply::ok_pid(pid)),
        Err(e) => supervisor_error(&e),
    }
}

async fn delete_child(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let (sup, id) = sup_and_last(ctx, args)?;
    let sup = only_supervisor(sup, "delete_child")?;
    match supervisor::delete_child(&sup, ctx.atom(&id)).await {
        Ok(()) => Ok(Reply::ok()),
        Err(e) => supervisor_error(&e),
    }
}

async fn tree(ctx: &Ctx, args: &Args) -> Result<Reply, ShellError> {
    let sup = ctx.supervisor(args.get(0))?;
    match observer::supervision_tree(sup.pid()).await {
        // The tree ends with a newline of its own.
        Ok(view) => Ok(Reply::text(view.to_string().trim_end())),
        Err(e) => Err(ShellError::exit(e.to_string())),
    }
}

/// The commands every shell has, in the order `help` lists them.
pub(crate) fn commands() -> Vec<Command> {
    vec![
        Command::new(
            "help",
            "[<command>]",
            "lists the commands, or explains one",
            |ctx, args| async move { help(&ctx, &args) },
        )
        .alias("h"),
        Command::new(
            "exit",
            "",
            "stops the application in order, as the BEAM's q() does, and leaves (Ctrl-D too)",
            |_ctx, _args| async { Ok(Reply::none()) },
        )
        .alias("q")
        .alias("System.halt"),
        Command::new("self", "", "the shell process's pid", |_ctx, _args| async {
            Ok(Reply::pid(process::self_pid()))
        }),
        Command::new(
            "wait",
            "<time>",
            "lets time pass (500, 500ms, 5s, 2m): timers fire, crashed children restart",
            |ctx, args| async move {
                process::sleep(ctx.duration_ms(&args[0])?).await;
                Ok(Reply::ok())
            },
        )
        .alias("sleep")
        .alias("Process.sleep"),
        Command::new(
            "flush",
            "",
            "prints and removes the messages waiting in the shell's mailbox",
            |ctx, _args| async move { Ok(flush(&ctx).await) },
        ),
        Command::new(
            "send",
            "<pid> <atom>",
            "sends an atom to a process whose mailbox takes atoms (the shell's does)",
            |ctx, args| async move {
                let pid = ctx.live_pid(&args[0])?;
                let atom = ctx.atom(&args[1]);
                match pid.downcast::<Atom>() {
                    Some(addr) => {
                        addr.send(atom.clone());
                        Ok(Reply::value(&atom))
                    }
                    None => Err(ShellError::argument(format!(
                        "{pid}'s mailbox does not take atoms: send it messages through its commands"
                    ))),
                }
            },
        ),
        Command::new(
            "whereis",
            "<name>",
            "the pid registered under a name, or nil",
            |ctx, args| async move {
                let name = ctx.atom(&args[0]);
                Ok(match ctx.node().whereis(name).filter(|p| p.is_alive()) {
                    Some(pid) => Reply::pid(pid),
                    None => Reply::text("nil"),
                })
            },
        )
        .alias("Process.whereis"),
        Command::new(
            "Process.alive?",
            "<pid>",
            "true while the process runs",
            |ctx, args| async move { Ok(Reply::value(&ctx.pid(&args[0])?.is_alive())) },
        )
        .alias("alive?"),
        Command::new(
            "Process.info",
            "<pid>",
            "name, status, queue length, links, monitors, trap_exit, ancestors (nil once exited)",
            |ctx, args| async move {
                let pid = ctx.pid(&args[0])?;
                Ok(match process::info(&pid) {
                    Some(info) => Reply::value(&info),
                    None => Reply::text("nil"),
                })
            },
        )
        .alias("info"),
        Command::new(
            "Process.exit",
            "<pid> <reason>",
            "sends an exit signal: kill, normal, shutdown or any atom",
            |ctx, args| async move {
                let pid = ctx.live_pid(&args[0])?;
                process::exit(&pid, reason(&ctx, &args[1]));
                Ok(Reply::text("true"))
            },
        ),
        Command::new(
            "Process.monitor",
            "<pid>",
            "monitors a process: its :DOWN message lands in the shell's mailbox (see flush)",
            |ctx, args| async move {
                let pid = ctx.pid(&args[0])?;
                Ok(Reply::value(&process::monitor(&pid)))
            },
        ),
        Command::new(
            "Process.flag",
            "<trap_exit> <bool>",
            "trap_exit true makes exit signals messages in the shell's mailbox",
            |_ctx, args| async move {
                if &args[0] != "trap_exit" && &args[0] != ":trap_exit" {
                    return Err(ShellError::argument(format!(
                        "only the trap_exit flag is here, got: {}",
                        &args[0]
                    )));
                }
                let on = boolean(&args[1])?;
                Ok(Reply::value(&process::trap_exit(on)))
            },
        ),
        Command::new(
            "Process.registered",
            "",
            "every registered name",
            |ctx, _args| async move { Ok(Reply::value(&ctx.node().registered())) },
        )
        .alias("registered"),
        Command::new(
            "which_children",
            "[<sup>]",
            "a supervisor's children: {id, pid, type, modules}",
            |ctx, args| async move { which_children(&ctx, &args).await },
        )
        .alias("Supervisor.which_children")
        .alias("DynamicSupervisor.which_children"),
        Command::new(
            "count_children",
            "[<sup>]",
            "a supervisor's counts: active, specs, supervisors, workers",
            |ctx, args| async move { count_children(&ctx, &args).await },
        )
        .alias("Supervisor.count_children")
        .alias("DynamicSupervisor.count_children"),
        Command::new(
            "terminate_child",
            "[<sup>] <id>",
            "stops a child (by id; by pid under a DynamicSupervisor)",
            |ctx, args| async move { terminate_child(&ctx, &args).await },
        )
        .alias("Supervisor.terminate_child")
        .alias("DynamicSupervisor.terminate_child"),
        Command::new(
            "restart_child",
            "[<sup>] <id>",
            "starts a terminated child again from its spec",
            |ctx, args| async move { restart_child(&ctx, &args).await },
        )
        .alias("Supervisor.restart_child"),
        Command::new(
            "delete_child",
            "[<sup>] <id>",
            "forgets a terminated child's spec",
            |ctx, args| async move { delete_child(&ctx, &args).await },
        )
        .alias("Supervisor.delete_child"),
        Command::new(
            "tree",
            "[<sup>]",
            "the supervision tree: strategy, restarts, each child's pid, restart type and count, queue",
            |ctx, args| async move { tree(&ctx, &args).await },
        ),
        Command::new(
            "observe",
            "[<sup>]",
            "the tree, live, as crashes and restarts happen (q or Esc goes back)",
            |ctx, args| async move { super::observe::observe(&ctx, &args).await },
        )
        .alias(":observer.start"),
    ]
}
