//! The server process: `init`, then the loop that takes one message at a time, calls the
//! callback it is for and carries out the response tuple; `terminate` and the crash report
//! when it stops.
//!
//! Uses the behaviour ([`super::behaviour`]), the `from` of a call ([`super::caller`]), the
//! crash report ([`super::report`]), the mailbox messages ([`super::handle`]), the mailbox of
//! `process`, start errors and the panic catcher.

use std::time::Duration;

use tokio::sync::oneshot;

use crate::child_spec::StartError;
use crate::exit::ExitReason;
use crate::name::Name;
use crate::panic::catch_unwind;
use crate::pid::Pid;
use crate::process::{self, Mailbox, Received};

use super::behaviour::{CallResult, CastResult, GenServer, Info, Init, Then, format_info};
use super::caller::Caller;
use super::handle::GenMsg;
use super::report::{self, Kind, LastMessage};

/// How one step of the loop ended.
enum Step<C> {
    Go(Option<Then<C>>),
    Exit(ExitReason),
}

/// A cast, info or continue result: what comes next, or the reason to stop with.
#[inline]
fn noreply_step<S: GenServer>(
    result: Result<CastResult<S>, ExitReason>,
) -> Result<Option<Then<S::Continue>>, ExitReason> {
    match result {
        Ok(CastResult::NoReply) => Ok(None),
        Ok(CastResult::NoReplyThen(then)) => Ok(Some(then)),
        Ok(CastResult::Stop(reason)) | Err(reason) => Err(reason),
    }
}

struct Ctx {
    /// The server's name, for crash reports (its pid is used when it has none).
    name: Option<Name>,
    last: LastMessage,
}

impl Ctx {
    fn report<S: GenServer>(&self, state: &S, reason: &ExitReason, kind: Kind) {
        report::crash(&self.name, &self.last, state, reason, kind);
    }

    /// Runs `terminate`, then reports. Returns the reason the server exits with: the given one,
    /// or a panic from `terminate` itself.
    async fn terminate<S: GenServer>(
        &self,
        state: &mut S,
        reason: ExitReason,
        kind: Kind,
    ) -> ExitReason {
        // A panic in `terminate` is the reason instead; an exit raised there, its reason.
        let reason = match catch_unwind(state.terminate(&reason)).await {
            Ok(()) => reason,
            Err(raised) => raised,
        };
        self.report(state, &reason, kind);
        reason
    }

    /// What a cast, info or continue result means. The common results need no waiting, so
    /// this is a plain function; only a stop goes on to `terminate`, in its own boxed future.
    async fn after_noreply<S: GenServer>(
        &self,
        state: &mut S,
        result: Result<CastResult<S>, ExitReason>,
        kind: Kind,
    ) -> Step<S::Continue> {
        match noreply_step(result) {
            Ok(then) => Step::Go(then),
            Err(reason) => Step::Exit(Box::pin(self.terminate(state, reason, kind)).await),
        }
    }

    async fn call<S: GenServer>(
        &mut self,
        state: &mut S,
        msg: S::Call,
        mut from: Caller<S::Reply>,
        kind: Kind,
    ) -> Step<S::Continue> {
        self.last.record(&msg);
        let result = catch_unwind(state.handle_call(msg, &from)).await;
        // Whether the caller still waits is known only now: it may have given up meanwhile.
        let kind = match kind {
            Kind::Call { caller, .. } => Kind::Call {
                caller,
                waiting: from.is_waiting(),
            },
            other => other,
        };
        match result {
            Ok(CallResult::Reply(r)) => {
                from.answer(r);
                Step::Go(None)
            }
            Ok(CallResult::ReplyThen(r, then)) => {
                from.answer(r);
                Step::Go(Some(then))
            }
            Ok(CallResult::NoReply) => Step::Go(None),
            Ok(CallResult::NoReplyThen(then)) => Step::Go(Some(then)),
            Ok(CallResult::StopReply(reason, r)) => {
                let reason = Box::pin(self.terminate(state, reason, kind)).await;
                from.answer(r);
                Step::Exit(reason)
            }
            Ok(CallResult::Stop(reason)) => {
                Step::Exit(Box::pin(self.terminate(state, reason, kind)).await)
            }
            Err(raised) => Step::Exit(Box::pin(self.terminate(state, raised, kind)).await),
        }
    }

    async fn cast<S: GenServer>(&mut self, state: &mut S, msg: S::Cast) -> Step<S::Continue> {
        self.last.record(&msg);
        let result = catch_unwind(state.handle_cast(msg)).await;
        match noreply_step(result) {
            Ok(then) => Step::Go(then),
            Err(reason) => Step::Exit(Box::pin(self.terminate(state, reason, Kind::Cast)).await),
        }
    }

    async fn info<S: GenServer>(&mut self, state: &mut S, msg: Info<S::Info>) -> Step<S::Continue> {
        self.last.record_text(|| format_info(&msg));
        let result = catch_unwind(state.handle_info(msg)).await;
        self.after_noreply(state, result, Kind::Info).await
    }

    async fn continue_<S: GenServer>(
        &mut self,
        state: &mut S,
        c: S::Continue,
    ) -> Step<S::Continue> {
        self.last.record(&c);
        let result = catch_unwind(state.handle_continue(c)).await;
        self.after_noreply(state, result, Kind::Continue).await
    }
}

fn fail_start(
    me: &Pid,
    parent: &Option<Pid>,
    name: &Option<Name>,
    ack: oneshot::Sender<Result<(), StartError>>,
    error: StartError,
) {
    if let Some(parent) = parent {
        process::unlink_pair(me, parent);
    }
    if let Some(Name::Via(via)) = name {
        via.0.unregister();
    }
    let _ = ack.send(Err(error));
}

pub(super) async fn run_server<S: GenServer>(
    mut mailbox: Mailbox<GenMsg<S>>,
    arg: S::Arg,
    ack: oneshot::Sender<Result<(), StartError>>,
    parent: Option<Pid>,
    name: Option<Name>,
) -> ExitReason {
    let me = mailbox.pid();
    // As gen_server's init_it: the new process registers its name itself (a via registry's
    // `register_name` sees it as `self()`), then runs init.
    if let Some(name) = &name
        && let Err(refused) = process::register_name(&me.node(), name, &me)
    {
        let error = match refused {
            process::RegisterError::Taken { holder, .. } => StartError::AlreadyStarted(holder),
            process::RegisterError::InvalidName(name) => StartError::InvalidName(name),
            other => StartError::Stop(ExitReason::custom(other.to_string())),
        };
        // Nothing to unregister: the name was never this process's.
        fail_start(&me, &parent, &None, ack, error);
        return ExitReason::Normal;
    }
    // Starting and failing to start happen once: boxed, so the loop does not carry their space.
    let (mut state, mut then) = match Box::pin(catch_unwind(S::init(arg))).await {
        Ok(Init::Ok(state)) => (state, None),
        Ok(Init::OkThen(state, then)) => (state, Some(then)),
        Ok(Init::Ignore) => {
            fail_start(&me, &parent, &name, ack, StartError::Ignore);
            return ExitReason::Normal;
        }
        Ok(Init::Stop(reason)) => {
            fail_start(&me, &parent, &name, ack, StartError::Stop(reason.clone()));
            return reason;
        }
        Err(raised) => {
            fail_start(&me, &parent, &name, ack, StartError::Stop(raised.clone()));
            return raised;
        }
    };
    drop(me);
    let mut ctx = Ctx {
        name,
        last: LastMessage {
            on: tracing::dispatcher::get_default(|d| !d.is::<tracing::subscriber::NoSubscriber>()),
            text: String::new(),
        },
    };
    let _ = ack.send(Ok(()));
    let mut burst = 0u32;

    loop {
        // A continue runs before any message already waiting.
        let idle = match then.take() {
            Some(Then::Continue(c)) => match ctx.continue_(&mut state, c).await {
                Step::Go(next) => {
                    then = next;
                    continue;
                }
                Step::Exit(reason) => return reason,
            },
            Some(Then::Timeout(ms)) => Some(Duration::from_millis(ms)),
            Some(Then::Hibernate) => {
                mailbox.shrink();
                None
            }
            None => None,
        };
        if mailbox.exit_pending() {
            // An exit signal has come in: yield so that the runner stops this process now,
            // however many messages are waiting.
            tokio::task::yield_now().await;
        }
        let received = match idle {
            // Messages already waiting are taken without a trip through the scheduler; after 64
            // of them in a row the server yields, so a busy one cannot keep others from
            // running. An empty mailbox is looked at once: the same look leaves the waker.
            None => {
                if burst == 64 {
                    burst = 0;
                    tokio::task::yield_now().await;
                }
                let mut waited = false;
                let received = std::future::poll_fn(|cx| {
                    let polled = mailbox.poll_recv(cx);
                    waited |= polled.is_pending();
                    polled
                })
                .await;
                burst = if waited { 0 } else { burst + 1 };
                received
            }
            // Boxed: the timer is large and idle timeouts are rare, so servers that never use one
            // do not carry its space.
            Some(d) => match Box::pin(tokio::time::timeout(d, mailbox.receive())).await {
                Ok(received) => received,
                Err(_) => match ctx.info(&mut state, Info::Timeout).await {
                    Step::Go(next) => {
                        then = next;
                        continue;
                    }
                    Step::Exit(reason) => return reason,
                },
            },
        };
        let step = match received {
            Received::Msg(GenMsg::Call(msg, tx, caller)) => {
                let from = Caller::new(tx, caller);
                ctx.call(
                    &mut state,
                    msg,
                    from,
                    Kind::Call {
                        caller,
                        waiting: true,
                    },
                )
                .await
            }
            Received::Msg(GenMsg::RemoteCall(msg, from)) => match S::remote() {
                Some(codec) => {
                    let from = Caller::remote(*from, codec.reply_into, mailbox.pid());
                    ctx.call(
                        &mut state,
                        msg,
                        from,
                        Kind::Call {
                            caller: None,
                            waiting: true,
                        },
                    )
                    .await
                }
                // Only a server with a codec is given calls from other nodes.
                None => Step::Go(None),
            },
            Received::Msg(GenMsg::Cast(msg)) => ctx.cast(&mut state, msg).await,
            Received::Msg(GenMsg::Info(msg)) => ctx.info(&mut state, Info::Msg(msg)).await,
            Received::Msg(GenMsg::Stop(reason)) => {
                Step::Exit(Box::pin(ctx.terminate(&mut state, reason, Kind::Stop)).await)
            }
            Received::Msg(GenMsg::Sys(f)) => {
                // The function catches its own panic and hands it to the caller: a failed
                // `get_state` or `replace_state` leaves the server as it was.
                f(&mut state);
                // A system message is not one of the server's own: as gen_server does, the
                // server waits again with the timeout it had, from now.
                Step::Go(idle.map(|d| Then::Timeout(d.as_millis() as u64)))
            }
            Received::Exit { from, reason } if parent.as_ref() == Some(&from) => {
                // The parent is going down and this server traps exits: terminate, then follow.
                ctx.last
                    .record_text(|| format!("{{:EXIT, {from}, {reason}}}"));
                Step::Exit(Box::pin(ctx.terminate(&mut state, reason, Kind::Info)).await)
            }
            Received::Exit { from, reason } => {
                ctx.info(&mut state, Info::Exit { from, reason }).await
            }
            Received::Down(down) => ctx.info(&mut state, Info::Down(down)).await,
            Received::NodeDown(node) => ctx.info(&mut state, Info::NodeDown(node)).await,
        };
        match step {
            Step::Go(next) => then = next,
            Step::Exit(reason) => return reason,
        }
    }
}

#[cfg(test)]
mod size_probe {
    use super::*;
    #[derive(Debug)]
    struct Tiny(u64);
    impl GenServer for Tiny {
        type Arg = ();
        type Call = u64;
        type Reply = u64;
        type Cast = u64;
        type Info = std::convert::Infallible;
        type Continue = std::convert::Infallible;
        async fn init(_: ()) -> Init<Self> {
            Init::Ok(Tiny(0))
        }
        async fn handle_call(&mut self, n: u64, _f: &Caller<u64>) -> CallResult<Self> {
            CallResult::Reply(n + self.0)
        }
    }
    /// Memory per idle server is a target (2 KB); these sizes are most of it, so a change that
    /// grows them shows up here rather than only in `make bench`.
    #[test]
    fn an_idle_server_stays_small() {
        let node = crate::node::Node::new();
        let shared = process::create::<GenMsg<Tiny>>(&node, None);
        let (tx, _rx) = oneshot::channel();
        let f = run_server::<Tiny>(Mailbox::new(shared.clone()), (), tx, None, None);
        eprintln!("run_server future: {} bytes", std::mem::size_of_val(&f));
        eprintln!(
            "Shared<GenMsg>: {} bytes",
            std::mem::size_of::<process::Shared<GenMsg<Tiny>>>()
        );
        eprintln!(
            "Received<GenMsg>: {} bytes",
            std::mem::size_of::<Received<GenMsg<Tiny>>>()
        );
        let r = process::run_probe(shared, f);
        eprintln!("runner future: {} bytes", r);
    }
}
