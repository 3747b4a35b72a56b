//! The egg timer's server: the book's `EggTimer.Server`, a GenServer holding alarms by name
//! and firing each one when its timer's message comes in.
//!
//! | Elixir (`EggTimer.Server`)                             | Rust                                   |
//! |--------------------------------------------------------|----------------------------------------|
//! | `Server.start_link(%{name => alarm})`                  | [`Server::start_link`]`(timers)`       |
//! | `Server.schedule(pid, alarm)`                          | [`Server::schedule`]`(&server, &alarm)`|
//! | `{:alarm, name}` in `handle_info`                      | `Info::Msg(Msg::Alarm(name))`          |
//! | `GenServer.cast(t, {:schedule, name, duration, f})`    | `gen_server::cast(&t, Cast::Schedule { name, duration, f })` |
//! | `GenServer.cast(t, :stop)`                             | `gen_server::cast(&t, Cast::Stop)`     |
//! | `GenServer.call(t, :status)`                           | `gen_server::call(&t, Call::Status)`   |
//!
//! Two things differ from the book's server, on purpose (the chapter shows the BEAM's output
//! beside ours): an `{:alarm, name}` message for an alarm the server does not hold is logged
//! and ignored instead of crashing the server with a `KeyError`, and scheduling a name that is
//! already in use replaces the alarm *and* cancels the old alarm's timer, so the old timer
//! cannot fire the new alarm early.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;

use otp_core::gen_server::{
    self, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef, StartError,
};
use otp_core::timer::{self, TimerRef};
use otp_core::{Atom, ExitReason, process};
use tokio::time::Instant;

use crate::core::{Alarm, AlarmFn, Pop, Status, Timers, pop_due};

// ANCHOR: messages
/// The server's state: its alarms by name (what Elixir's server keeps as its state), and the
/// timers it started itself for them, so that replacing an alarm can cancel the old timer.
#[derive(Clone, Default)]
pub struct Server {
    timers: Timers,
    pending: BTreeMap<Atom, TimerRef>,
}

/// What `GenServer.call` asks.
#[derive(Debug)]
pub enum Call {
    /// `:status`: the status of every alarm, sorted by name.
    Status,
}

/// What `GenServer.cast` sends.
#[derive(Debug)]
pub enum Cast {
    /// `{:schedule, name, duration, f}`: make an alarm now, start its timer, keep it.
    Schedule {
        /// The alarm's name; an alarm already under this name is replaced.
        name: Atom,
        /// Milliseconds from now.
        duration: u64,
        /// What it runs when it fires.
        f: AlarmFn,
    },
    /// `:stop`: the server stops with the reason `:we_broke_something`.
    Stop,
}

impl Cast {
    /// `{:schedule, name, duration, f}`, written as briefly as Elixir writes the tuple.
    pub fn schedule(
        name: impl Into<Atom>,
        duration: u64,
        f: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        Cast::Schedule {
            name: name.into(),
            duration,
            f: AlarmFn::new(f),
        }
    }
}

/// The plain message a timer sends: `{:alarm, name}`.
#[derive(Debug)]
pub enum Msg {
    /// `{:alarm, name}`: the alarm `name` is due.
    Alarm(Atom),
}
// ANCHOR_END: messages

/// The state prints as Elixir's server state does: the map of alarms, and nothing else.
impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.timers, f)
    }
}

// ANCHOR: schedule
impl Server {
    /// `Server.start_link(timers)`: starts a server, linked to the caller, holding `timers`.
    /// Their timers are not started: schedule each one.
    pub async fn start_link(timers: Timers) -> Result<ServerRef<Server>, StartError> {
        gen_server::start_link::<Server>(timers, Options::new()).await
    }

    /// `Server.schedule(pid, alarm)`: sends `{:alarm, name}` to the server when the alarm's
    /// duration has passed. Returns the timer, which [`timer::cancel_timer`] can stop.
    pub fn schedule(server: &ServerRef<Server>, alarm: &Alarm) -> TimerRef {
        timer::send_after(server, Msg::Alarm(alarm.name.clone()), alarm.duration)
    }

    /// The alarms the server holds (for tests and tools; the chapter reads the state with
    /// `gen_server::get_state`).
    pub fn timers(&self) -> &Timers {
        &self.timers
    }
}
// ANCHOR_END: schedule

// ANCHOR: callbacks
impl GenServer for Server {
    type Arg = Timers;
    type Call = Call;
    type Reply = Vec<Status>;
    type Cast = Cast;
    type Info = Msg;
    type Continue = Infallible;

    async fn init(timers: Timers) -> Init<Self> {
        Init::Ok(Server {
            timers,
            pending: BTreeMap::new(),
        })
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        match msg {
            Info::Msg(Msg::Alarm(name)) => match pop_due(&mut self.timers, &name, Instant::now()) {
                Pop::Due(alarm) => {
                    self.pending.remove(&name);
                    alarm.trigger();
                }
                // The timer of an alarm this one replaced: the new alarm has its own timer.
                Pop::NotYet => {}
                Pop::Missing => tracing::warn!(
                    "EggTimer.Server {} has no alarm {name}: ignored {{:alarm, {name}}}",
                    process::self_pid()
                ),
            },
            other => tracing::warn!(
                "EggTimer.Server {} ignored an unexpected message: {other:?}",
                process::self_pid()
            ),
        }
        CastResult::NoReply
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        match msg {
            Cast::Schedule { name, duration, f } => {
                let alarm = Alarm::with_fn(name, duration, f);
                let timer = Server::schedule(&gen_server::self_ref::<Server>(), &alarm);
                if let Some(old) = self.pending.insert(alarm.name.clone(), timer) {
                    timer::cancel_timer(&old);
                }
                self.timers.insert(alarm.name.clone(), alarm);
                CastResult::NoReply
            }
            Cast::Stop => CastResult::Stop(ExitReason::custom("we_broke_something")),
        }
    }

    /// The book's module name, as `which_children` shows it.
    fn module() -> &'static str {
        "EggTimer.Server"
    }

    async fn handle_call(
        &mut self,
        Call::Status: Call,
        _from: &Caller<Vec<Status>>,
    ) -> CallResult<Self> {
        let now = Instant::now();
        CallResult::Reply(self.timers.values().map(|a| a.status_at(now)).collect())
    }
}
// ANCHOR_END: callbacks

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::io;

    #[test]
    fn a_replaced_alarm_neither_fires_early_nor_leaves_a_stray_message() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = Server::start_link(Timers::new()).await else {
                    return;
                };
                gen_server::cast(&t, Cast::schedule("eggs", 300_000, || io::puts("old eggs")));
                process::sleep(4_000).await;
                gen_server::cast(&t, Cast::schedule("eggs", 3_000, || io::puts("new eggs")));
                // Long after both: the old timer was cancelled, so nothing else happens.
                process::sleep(400_000).await;
                sh.say(format!("{:?}", gen_server::call(&t, Call::Status).await));
            })
            .await;
        });
        assert_eq!(out, "new eggs\nOk([])\n");
    }

    #[test]
    fn an_alarm_message_for_no_alarm_is_logged_not_fatal() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = Server::start_link(Timers::new()).await else {
                    return;
                };
                gen_server::send(&t, Msg::Alarm("ghost".into()));
                sh.say(format!(
                    "{:?} {}",
                    gen_server::call(&t, Call::Status).await,
                    t.is_alive()
                ));
            })
            .await;
        });
        assert_eq!(
            out,
            "\n[warning] EggTimer.Server #PID<0.101.0> has no alarm :ghost: ignored {:alarm, :ghost}\n\
             Ok([]) true\n"
        );
    }

    #[test]
    fn an_early_message_leaves_the_alarm_waiting() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let a = Alarm::with_fn("tea", 1_000, AlarmFn::new(|| io::puts("Tea is ready")));
                let Ok(t) = Server::start_link(Timers::from([(a.name.clone(), a.clone())])).await
                else {
                    return;
                };
                gen_server::send(&t, Msg::Alarm("tea".into()));
                sh.say(format!("{:?}", gen_server::call(&t, Call::Status).await));
                Server::schedule(&t, &a);
                process::sleep(1_001).await;
                sh.say(format!("{:?}", gen_server::call(&t, Call::Status).await));
            })
            .await;
        });
        assert_eq!(out, "Ok([(:tea, 1000, 1)])\nTea is ready\nOk([])\n");
    }

    #[test]
    fn the_stop_cast_exits_with_we_broke_something() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = Server::start_link(Timers::new()).await else {
                    return;
                };
                process::unlink(&t.pid());
                gen_server::cast(&t, Cast::Stop);
                sh.say(format!("exit {}", t.pid().wait_exit().await));
            })
            .await;
        });
        assert!(
            out.ends_with("State: {}\nexit :we_broke_something\n"),
            "{out}"
        );
    }
}
