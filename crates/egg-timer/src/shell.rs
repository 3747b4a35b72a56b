//! The chapter's interactive shell: `cargo run -p egg-timer`.
//!
//! The shell starts the egg timer (the book's `EggTimer.Server`) under a supervisor,
//! `EggTimer.Supervisor`, as chapter 3's "Your Turn" puts it, so that the `:stop` cast that
//! crashes it on purpose is followed by a new timer, with a new pid and no alarms. Alarms
//! count down in real time: `schedule eggs 5s`, `status`, then wait and see `Wake up!` arrive.
//!
//! ```
//! let out = egg_timer::shell::iex().transcript("schedule eggs 3s\nwait 4s");
//! assert!(out.contains("iex(2)> wait 4s\nWake up! (eggs)\n:ok\n"));
//! ```

use otp_core::gen_server::{GenServer, ServerRef};
use otp_core::supervisor::{self, Options};
use otp_core::{Atom, io};
use teaching::iex::{Command, Ctx, Iex, Reply, ShellError};

use crate::core::Timers;
use crate::server::Server;

/// The supervisor the shell runs the timer under.
pub const SUPERVISOR: &str = "EggTimer.Supervisor";

/// The timer the supervisor runs now.
async fn timer(ctx: &Ctx) -> Result<ServerRef<Server>, ShellError> {
    let sup = ctx.supervisor(Some(SUPERVISOR))?;
    let children = match sup {
        teaching::iex::Sup::Supervisor(s) => supervisor::which_children(&s)
            .await
            .map_err(|e| ShellError::exit(e.to_string()))?,
        teaching::iex::Sup::Dynamic(_) => Vec::new(),
    };
    children
        .iter()
        .find_map(|c| c.pid.pid().and_then(ServerRef::<Server>::from_pid))
        .ok_or_else(|| ShellError::exit(format!("{SUPERVISOR} runs no egg timer right now")))
}

/// The chapter's shell: the egg timer's API as commands.
pub fn iex() -> Iex {
    Iex::new("egg_timer (chapter 2)")
        .application("egg_timer", || async {
            supervisor::start_link(
                vec![Server::child_spec(Timers::new())],
                Options::new().name(SUPERVISOR),
            )
            .await
            .map(|sup| sup.pid())
        })
        .root(SUPERVISOR)
        .command(Command::new(
            "timer",
            "",
            "the egg timer running now (its pid changes when it is restarted)",
            |ctx, _args| async move { Ok(Reply::pid(timer(&ctx).await?.pid())) },
        ))
        .command(
            Command::new(
                "schedule",
                "<name> <time>",
                "schedules an alarm (300000, 5s, 5m) that prints Wake up! when it fires (a cast)",
                |ctx, args| async move {
                    let name: Atom = ctx.atom(&args[0]);
                    let ms = ctx.duration_ms(&args[1])?;
                    let t = timer(&ctx).await?;
                    let label = name.as_str().to_string();
                    crate::schedule(&t, name, ms, move || io::puts(format!("Wake up! ({label})")));
                    Ok(Reply::ok())
                },
            )
            .alias("EggTimer.schedule"),
        )
        .command(
            Command::new(
                "status",
                "",
                "every alarm as {name, duration in ms, seconds left} (a call)",
                |ctx, _args| async move {
                    let t = timer(&ctx).await?;
                    match crate::status(&t).await {
                        Ok(alarms) => Ok(Reply::value(&alarms)),
                        Err(e) => Err(ShellError::exit(e.to_string())),
                    }
                },
            )
            .alias("EggTimer.status"),
        )
        .command(
            Command::new(
                "stop",
                "",
                "the :stop cast: the timer stops with :we_broke_something and the supervisor starts a new one",
                |ctx, _args| async move {
                    crate::stop(&timer(&ctx).await?);
                    Ok(Reply::ok())
                },
            )
            .alias("EggTimer.stop"),
        )
        .command(Command::new(
            "state",
            "",
            "the timer's state, as :sys.get_state shows it",
            |ctx, _args| async move {
                let t = timer(&ctx).await?;
                match otp_core::gen_server::inspect(&t, |s: &Server| format!("{s:?}")).await {
                    Ok(state) => Ok(Reply::text(state)),
                    Err(e) => Err(ShellError::exit(e.to_string())),
                }
            },
        ))
}
