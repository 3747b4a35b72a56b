//! The chapter's interactive shell: `cargo run -p calculator`.
//!
//! No application runs here: chapter 1 has none. A reader starts calculators by hand, the
//! hand-made one (`calc = start 10`, unlinked, as `Calculator.start/1` spawns it) or the
//! GenServer (`srv = start_link 10`, linked to the shell), and the same commands work on
//! both. Nothing supervises them: a calculator that crashes stays dead (`state` of a dead
//! hand-made calculator waits its 5 seconds and answers `{:error, :timeout}`), a linked
//! GenServer that crashes takes the shell process with it, and a reader restarts by hand.
//! Chapter 3 brings the supervisors that do it for us.
//!
//! ```
//! let out = calculator::shell::iex().transcript("calc = start 10\nadd calc 5\nstate calc");
//! assert!(out.contains("iex(2)> add calc 5\n{:add, 5}\niex(3)> state calc\n15\n"));
//! ```

use otp_core::gen_server::ServerRef;
use otp_core::{Addr, Mailbox, Pid, process};
use teaching::iex::{Args, Command, Ctx, Iex, Reply, ShellError};

use crate::boundary::{Message, Reply as StateReply};
use crate::core::Number;
use crate::server::Server;
use crate::{STATE_TIMEOUT_MS, StateError};

/// Either kind of calculator a command was given.
enum Calc {
    HandMade(Addr<Message>),
    Server(ServerRef<Server>),
}

fn calc(ctx: &Ctx, word: &str) -> Result<Calc, ShellError> {
    // A message to a calculator that has exited is lost, as `send` loses it on the BEAM.
    let pid: Pid = ctx.pid(word)?;
    if let Some(addr) = pid.downcast::<Message>() {
        Ok(Calc::HandMade(addr))
    } else if let Some(server) = ServerRef::<Server>::from_pid(&pid) {
        Ok(Calc::Server(server))
    } else {
        Err(ShellError::argument(format!("{pid} is not a calculator")))
    }
}

/// An integer, or a float such as `2.5`.
fn number(ctx: &Ctx, word: &str) -> Result<Number, ShellError> {
    if let Ok(n) = ctx.integer(word) {
        return Ok(Number::Int(n));
    }
    match word.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Number::Float(x)),
        _ => Err(ShellError::argument(format!(
            "expected a number, got: {word}"
        ))),
    }
}

/// One of the four operations: the hand-made calculator answers as `send` does, with the
/// message sent (`{:add, 5}`); the GenServer's cast answers `:ok`.
fn operation(name: &'static str, help: &'static str) -> Command {
    Command::new(
        name,
        "<calc> <n>",
        help,
        move |ctx, args: Args| async move {
            let n = number(&ctx, &args[1])?;
            Ok(match calc(&ctx, &args[0])? {
                Calc::HandMade(addr) => {
                    addr.send(match name {
                        "add" => Message::Add(n),
                        "subtract" => Message::Subtract(n),
                        "multiply" => Message::Multiply(n),
                        _ => Message::Divide(n),
                    });
                    Reply::text(format!("{{:{name}, {n}}}"))
                }
                Calc::Server(server) => {
                    match name {
                        "add" => crate::server::add(&server, n),
                        "subtract" => crate::server::subtract(&server, n),
                        "multiply" => crate::server::multiply(&server, n),
                        _ => crate::server::divide(&server, n),
                    }
                    Reply::ok()
                }
            })
        },
    )
    .alias(match name {
        "add" => "Calculator.add",
        "subtract" => "Calculator.subtract",
        "multiply" => "Calculator.multiply",
        _ => "Calculator.divide",
    })
}

/// The hand-made calculator's `state`, in a process whose mailbox takes its reply, as the
/// book's `receive` waits in the caller's.
async fn hand_made_state(addr: Addr<Message>) -> Result<Number, StateError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    process::spawn(move |mut inbox: Mailbox<StateReply>| async move {
        let _ = tx.send(crate::state(&addr, &mut inbox).await);
    });
    rx.await.unwrap_or(Err(StateError::Timeout))
}

/// The chapter's shell: the calculator API as commands.
pub fn iex() -> Iex {
    Iex::new("calculator (chapter 1)")
        .command(
            Command::new(
                "start",
                "<n>",
                "starts a hand-made calculator holding n, not linked (Calculator.start/1)",
                |ctx, args| async move {
                    let n = number(&ctx, &args[0])?;
                    Ok(Reply::pid(crate::start(n).pid()))
                },
            )
            .alias("Calculator.start"),
        )
        .command(
            Command::new(
                "start_link",
                "<n>",
                "starts the GenServer calculator holding n, linked to the shell",
                |ctx, args| async move {
                    let n = ctx.integer(&args[0])?;
                    match crate::server::start_link(n).await {
                        Ok(server) => Ok(Reply::ok_pid(server.pid())),
                        Err(e) => Ok(Reply::text(format!("{{:error, {e:?}}}"))),
                    }
                },
            )
            .alias("Calculator.Server.start_link"),
        )
        .command(operation("add", "adds n (a message to the hand-made one, a cast to the GenServer)"))
        .command(operation("subtract", "subtracts n"))
        .command(operation("multiply", "multiplies by n"))
        .command(operation("divide", "divides by n (divide by 0 and see what a crash does)"))
        .command(
            Command::new("clear", "<calc>", "sets the number back to 0", |ctx, args| async move {
                Ok(match calc(&ctx, &args[0])? {
                    Calc::HandMade(addr) => {
                        addr.send(Message::Clear);
                        Reply::text(":clear")
                    }
                    Calc::Server(server) => {
                        crate::server::clear(&server);
                        Reply::ok()
                    }
                })
            })
            .alias("Calculator.clear"),
        )
        .command(
            Command::new(
                "state",
                "<calc>",
                &format!(
                    "the number it holds ({{:error, :timeout}} after {STATE_TIMEOUT_MS} ms from a dead hand-made one)"
                ),
                |ctx, args| async move {
                    match calc(&ctx, &args[0])? {
                        Calc::HandMade(addr) => Ok(match hand_made_state(addr).await {
                            Ok(n) => Reply::value(&n),
                            Err(StateError::Timeout) => Reply::text("{:error, :timeout}"),
                        }),
                        Calc::Server(server) => match crate::server::state(&server).await {
                            Ok(n) => Ok(Reply::value(&n)),
                            Err(e) => Err(ShellError::exit(e.to_string())),
                        },
                    }
                },
            )
            .alias("Calculator.state"),
        )
}
