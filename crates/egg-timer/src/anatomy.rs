//! The anatomy of a GenServer: the four callbacks and every response tuple, side by side with
//! its Rust counterpart.
//!
//! [`Anatomy`] is a server whose requests say which response to give, so each tuple can be seen
//! doing its job. Every callback prints what it returns, in Rust and in Elixir:
//!
//! | Elixir                                  | Rust                                           |
//! |-----------------------------------------|------------------------------------------------|
//! | `{:ok, state}`                          | `Init::Ok(state)`                              |
//! | `{:ok, state, {:continue, c}}`          | `Init::OkThen(state, Then::Continue(c))`       |
//! | `{:reply, reply, state}`                | `CallResult::Reply(reply)`                     |
//! | `{:reply, reply, state, timeout}`       | `CallResult::ReplyThen(reply, Then::Timeout(ms))` |
//! | `{:reply, reply, state, :hibernate}`    | `CallResult::ReplyThen(reply, Then::Hibernate)` |
//! | `{:noreply, state}` (from a call)       | `CallResult::NoReply`, then `gen_server::reply` |
//! | `{:stop, reason, reply, state}`         | `CallResult::StopReply(reason, reply)`         |
//! | `{:noreply, state}`                     | `CastResult::NoReply`                          |
//! | `{:noreply, state, {:continue, c}}`     | `CastResult::NoReplyThen(Then::Continue(c))`   |
//! | `{:stop, reason, state}`                | `CastResult::Stop(reason)`                     |
//!
//! The state is not in the Rust results: a callback changes `self` in place, so there is no new
//! state to return.

use otp_core::gen_server::{CallResult, Caller, CastResult, GenServer, Info, Init, Then};
use otp_core::{ExitReason, io};

/// The server: its state counts the callbacks that have run.
#[derive(Debug, Default)]
pub struct Anatomy {
    /// How many callbacks have run, `init` included.
    pub callbacks: u64,
}

/// Each call names the response `handle_call` gives.
#[derive(Debug)]
pub enum Call {
    /// `{:reply, callbacks, state}`.
    Reply,
    /// `{:reply, callbacks, state, ms}`: `handle_info(:timeout)` runs if nothing comes in `ms`.
    ReplyThenTimeout(u64),
    /// `{:reply, callbacks, state, :hibernate}`.
    ReplyThenHibernate,
    /// `{:noreply, state}`: no reply yet; the server answers `later_ms` milliseconds later
    /// with `GenServer.reply`.
    NoReplyThenReplyLater(u64),
    /// `{:stop, :normal, callbacks, state}`: reply, and stop.
    StopWithReply,
}

/// Each cast names the response `handle_cast` gives.
#[derive(Debug)]
pub enum Cast {
    /// `{:noreply, state}`.
    NoReply,
    /// `{:noreply, state, {:continue, c}}`.
    NoReplyThenContinue(&'static str),
    /// `{:stop, :we_broke_something, state}`.
    Stop,
}

/// A deferred reply, sent to the server itself by a timer.
#[derive(Debug)]
pub enum Msg {
    /// Time to answer the caller who got `{:noreply, state}`.
    ReplyNow(ReplyLater),
}

/// A caller waiting for a deferred reply.
pub struct ReplyLater(otp_core::gen_server::ReplyTo<u64>);

impl std::fmt::Debug for ReplyLater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

fn says(callback: &str, rust: &str, elixir: &str) {
    io::puts(format!("{callback} -> {rust}    # Elixir: {elixir}"));
}

// ANCHOR: anatomy
impl GenServer for Anatomy {
    type Arg = ();
    type Call = Call;
    type Reply = u64;
    type Cast = Cast;
    type Info = Msg;
    type Continue = &'static str;

    async fn init(_: ()) -> Init<Self> {
        says(
            "init(())",
            "Init::OkThen(state, Then::Continue(\"warm_up\"))",
            "{:ok, state, {:continue, :warm_up}}",
        );
        Init::OkThen(Anatomy { callbacks: 1 }, Then::Continue("warm_up"))
    }

    async fn handle_continue(&mut self, c: &'static str) -> CastResult<Self> {
        self.callbacks += 1;
        says(
            &format!("handle_continue({c:?})"),
            "CastResult::NoReply",
            "{:noreply, state}",
        );
        CastResult::NoReply
    }

    // ANCHOR: handle_call
    async fn handle_call(&mut self, msg: Call, from: &Caller<u64>) -> CallResult<Self> {
        self.callbacks += 1;
        let n = self.callbacks;
        match msg {
            Call::Reply => {
                says(
                    "handle_call(Reply)",
                    &format!("CallResult::Reply({n})"),
                    &format!("{{:reply, {n}, state}}"),
                );
                CallResult::Reply(n)
            }
            Call::ReplyThenTimeout(ms) => {
                says(
                    &format!("handle_call(ReplyThenTimeout({ms}))"),
                    &format!("CallResult::ReplyThen({n}, Then::Timeout({ms}))"),
                    &format!("{{:reply, {n}, state, {ms}}}"),
                );
                CallResult::ReplyThen(n, Then::Timeout(ms))
            }
            Call::ReplyThenHibernate => {
                says(
                    "handle_call(ReplyThenHibernate)",
                    &format!("CallResult::ReplyThen({n}, Then::Hibernate)"),
                    &format!("{{:reply, {n}, state, :hibernate}}"),
                );
                CallResult::ReplyThen(n, Then::Hibernate)
            }
            Call::NoReplyThenReplyLater(ms) => {
                says(
                    &format!("handle_call(NoReplyThenReplyLater({ms}))"),
                    "CallResult::NoReply",
                    "{:noreply, state}",
                );
                if let Some(to) = from.defer() {
                    let me = otp_core::gen_server::self_ref::<Anatomy>();
                    otp_core::timer::send_after(&me, Msg::ReplyNow(ReplyLater(to)), ms);
                }
                CallResult::NoReply
            }
            Call::StopWithReply => {
                says(
                    "handle_call(StopWithReply)",
                    &format!("CallResult::StopReply(ExitReason::Normal, {n})"),
                    &format!("{{:stop, :normal, {n}, state}}"),
                );
                CallResult::StopReply(ExitReason::Normal, n)
            }
        }
    }
    // ANCHOR_END: handle_call

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        self.callbacks += 1;
        match msg {
            Cast::NoReply => {
                says(
                    "handle_cast(NoReply)",
                    "CastResult::NoReply",
                    "{:noreply, state}",
                );
                CastResult::NoReply
            }
            Cast::NoReplyThenContinue(c) => {
                says(
                    &format!("handle_cast(NoReplyThenContinue({c:?}))"),
                    &format!("CastResult::NoReplyThen(Then::Continue({c:?}))"),
                    &format!("{{:noreply, state, {{:continue, :{c}}}}}"),
                );
                CastResult::NoReplyThen(Then::Continue(c))
            }
            Cast::Stop => {
                says(
                    "handle_cast(Stop)",
                    "CastResult::Stop(ExitReason::custom(\"we_broke_something\"))",
                    "{:stop, :we_broke_something, state}",
                );
                CastResult::Stop(ExitReason::custom("we_broke_something"))
            }
        }
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        self.callbacks += 1;
        match msg {
            Info::Timeout => says(
                "handle_info(:timeout)",
                "CastResult::NoReply",
                "{:noreply, state}",
            ),
            Info::Msg(Msg::ReplyNow(ReplyLater(to))) => {
                let n = self.callbacks;
                says(
                    "handle_info(ReplyNow(..))",
                    &format!("gen_server::reply(to, {n}); CastResult::NoReply"),
                    &format!("GenServer.reply(from, {n}); {{:noreply, state}}"),
                );
                otp_core::gen_server::reply(to, n);
            }
            other => says(
                &format!("handle_info({other:?})"),
                "CastResult::NoReply",
                "{:noreply, state}",
            ),
        }
        CastResult::NoReply
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        io::puts(format!(
            "terminate({reason}) after {} callbacks",
            self.callbacks
        ));
    }
}
// ANCHOR_END: anatomy

#[cfg(test)]
mod tests {
    //! One test per response: what the server does after each one.

    use super::*;
    use otp_core::gen_server::{self, Options, ServerRef};
    use otp_core::{Pid, process};
    use std::future::Future;
    use teaching::Shell;
    use tokio::time::Instant;

    /// Runs `body` in a shell with a fresh `Anatomy` server and returns everything printed.
    fn with_server<F, Fut>(body: F) -> String
    where
        F: FnOnce(Shell, ServerRef<Anatomy>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                match gen_server::start_link::<Anatomy>((), Options::new()).await {
                    Ok(s) => body(sh, s).await,
                    Err(e) => sh.say(format!("start failed: {e}")),
                }
            })
            .await;
        })
    }

    const INIT: &str = "init(()) -> Init::OkThen(state, Then::Continue(\"warm_up\"))    # Elixir: {:ok, state, {:continue, :warm_up}}\n\
        handle_continue(\"warm_up\") -> CastResult::NoReply    # Elixir: {:noreply, state}\n";

    #[test]
    fn ok_then_continue_runs_the_continue_before_any_message() {
        let out = with_server(|sh, s| async move {
            sh.say(format!("{:?}", gen_server::call(&s, Call::Reply).await));
        });
        assert_eq!(
            out,
            format!(
                "{INIT}handle_call(Reply) -> CallResult::Reply(3)    # Elixir: {{:reply, 3, state}}\nOk(3)\n"
            )
        );
    }

    #[test]
    fn reply_then_timeout_calls_handle_info_when_nothing_comes() {
        let out = with_server(|sh, s| async move {
            let _ = gen_server::call(&s, Call::ReplyThenTimeout(1000)).await;
            process::sleep(999).await;
            sh.say("999 ms");
            process::sleep(1).await;
            sh.say("1000 ms");
        });
        let after = out.split("999 ms\n").nth(1).unwrap_or_default();
        assert!(
            after.starts_with("handle_info(:timeout) -> CastResult::NoReply"),
            "{out}"
        );
    }

    #[test]
    fn a_message_before_the_timeout_cancels_it() {
        let out = with_server(|_sh, s| async move {
            let _ = gen_server::call(&s, Call::ReplyThenTimeout(1000)).await;
            process::sleep(500).await;
            let _ = gen_server::call(&s, Call::Reply).await;
            process::sleep(5000).await;
        });
        assert!(!out.contains(":timeout"), "{out}");
    }

    #[test]
    fn reply_then_hibernate_replies_and_keeps_the_state() {
        let out = with_server(|sh, s| async move {
            let a = gen_server::call(&s, Call::ReplyThenHibernate).await;
            let b = gen_server::call(&s, Call::Reply).await;
            sh.say(format!("{a:?} {b:?}"));
        });
        assert!(out.ends_with("Ok(3) Ok(4)\n"), "{out}");
    }

    #[test]
    fn noreply_from_a_call_leaves_the_caller_waiting_for_a_later_reply() {
        let out = with_server(|sh, s| async move {
            let asked = Instant::now();
            let r = gen_server::call(&s, Call::NoReplyThenReplyLater(300)).await;
            sh.say(format!("{r:?} after {} ms", asked.elapsed().as_millis()));
        });
        assert!(out.ends_with("Ok(4) after 300 ms\n"), "{out}");
    }

    #[test]
    fn stop_with_a_reply_runs_terminate_then_replies() {
        let out = with_server(|sh, s| async move {
            let r = gen_server::call(&s, Call::StopWithReply).await;
            sh.say(format!("{r:?} {:?}", s.pid().wait_exit().await));
        });
        assert!(
            out.ends_with("terminate(:normal) after 3 callbacks\nOk(3) :normal\n"),
            "{out}"
        );
    }

    #[test]
    fn noreply_then_continue_runs_before_the_next_message() {
        let out = with_server(|_sh, s| async move {
            gen_server::cast(&s, Cast::NoReplyThenContinue("tidy_up"));
            gen_server::cast(&s, Cast::NoReply);
            let _ = gen_server::call(&s, Call::Reply).await;
        });
        let order: Vec<&str> = out
            .lines()
            .skip(2)
            .map(|l| l.split(" -> ").next().unwrap_or(l))
            .collect();
        assert_eq!(
            order,
            [
                "handle_cast(NoReplyThenContinue(\"tidy_up\"))",
                "handle_continue(\"tidy_up\")",
                "handle_cast(NoReply)",
                "handle_call(Reply)",
            ]
        );
    }

    #[test]
    fn stop_from_a_cast_runs_terminate_and_exits_with_the_reason() {
        let out = with_server(|sh, s| async move {
            let pid: Pid = s.pid();
            process::unlink(&pid);
            gen_server::cast(&s, Cast::Stop);
            sh.say(format!("exit {}", pid.wait_exit().await));
        });
        assert!(
            out.contains("terminate(:we_broke_something) after 3 callbacks\n"),
            "{out}"
        );
        assert!(out.contains("** (stop) :we_broke_something\n"), "{out}");
        assert!(out.ends_with("exit :we_broke_something\n"), "{out}");
    }
}
