//! The server process: `init`, then the loop that takes one message at a time, calls the
//! callback it is for and carries out the response tuple; `terminate` and the crash report
//! when it stops.
//!
//! Uses the behaviour ([`super::behaviour`]), the `from` of a call ([`super::caller`]), the
//! crash report ([`super::report`]), the mailbox messages ([`super::handle`]), the mailbox of
//! `process`, start errors and the panic catcher.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::child_spec::StartError;
use crate::exit::ExitReason;
use crate::name::Name;
use crate::panic::catch_unwind;
use crate::pid::Pid;
use crate::process::{self, Mailbox, Signal, Slot};

use super::behaviour::{CallResult, CastResult, GenServer, Info, Init, Then, format_info};
use super::caller::Caller;
use super::handle::GenMsg;
use super::report::{self, Kind, LastMessage};

/// A cast, info or continue result: what comes next, or why and how the server stops.
// The error is large but is taken apart at once by the loop, which this is inlined into.
#[allow(clippy::result_large_err)]
#[inline]
fn noreply_step<S: GenServer>(
    result: Result<CastResult<S>, ExitReason>,
    kind: Kind,
) -> Result<Option<Then<S::Continue>>, Stopping<S::Reply>> {
    match result {
        Ok(CastResult::NoReply) => Ok(None),
        Ok(CastResult::NoReplyThen(then)) => Ok(Some(then)),
        Ok(CastResult::Stop(reason)) | Err(reason) => Err(Stopping::new(reason, kind)),
    }
}

/// Why the loop ended: the reason the server stops with, what it was handling, and the reply
/// of a `{:stop, reason, reply, state}`, sent once `terminate` has run.
struct Stopping<R> {
    reason: ExitReason,
    kind: Kind,
    reply: Option<(Caller<R>, R)>,
}

impl<R> Stopping<R> {
    fn new(reason: ExitReason, kind: Kind) -> Self {
        Stopping {
            reason,
            kind,
            reply: None,
        }
    }
}

/// One message, taken apart: what the loop hands to a callback, or does itself.
enum Job<S: GenServer> {
    /// A call, with its `from`.
    Call(S::Call, Caller<S::Reply>),
    Cast(S::Cast),
    Info(Info<S::Info>),
    Stop(ExitReason, Kind),
    /// Dealt with already (a system message): what comes next.
    Next(Option<Then<S::Continue>>),
}

impl<S: GenServer> Job<S> {
    /// What a message means to the loop. A plain function that takes `received` whole: the
    /// loop's future then keeps no slot for it across the callback it goes on to await.
    #[inline]
    fn of(
        received: Option<Slot<GenMsg<S>>>,
        state: &mut S,
        idle: Option<Duration>,
        parent: &Option<Pid>,
        last: &mut LastMessage,
        mailbox: &Mailbox<GenMsg<S>>,
    ) -> Self {
        match received {
            None => Job::Info(Info::Timeout),
            Some(Slot::Msg(GenMsg::Call(msg, tx, caller))) => {
                Job::Call(msg, Caller::new(tx, caller))
            }
            Some(Slot::Msg(GenMsg::RemoteCall(msg, from))) => match S::remote() {
                Some(codec) => {
                    let from = Caller::remote(*from, codec.reply_into, mailbox.pid());
                    Job::Call(msg, from)
                }
                // Only a server with a codec is given calls from other nodes.
                None => Job::Next(None),
            },
            Some(Slot::Msg(GenMsg::Cast(msg))) => Job::Cast(msg),
            Some(Slot::Msg(GenMsg::Info(msg))) => Job::Info(Info::Msg(msg)),
            Some(Slot::Msg(GenMsg::Stop(reason))) => Job::Stop(*reason, Kind::Stop),
            Some(Slot::Msg(GenMsg::Sys(f))) => {
                // The function catches its own panic and hands it to the caller: a failed
                // `get_state` or `replace_state` leaves the server as it was.
                f(state);
                // A system message is not one of the server's own: as gen_server does, the
                // server waits again with the timeout it had, from now.
                Job::Next(idle.map(|d| Then::Timeout(d.as_millis() as u64)))
            }
            // The runtime's own messages are rare: unboxed here, off the path of the server's.
            Some(Slot::Signal(signal)) => Self::of_signal(*signal, parent, last),
        }
    }

    /// An exit signal, a Down or a nodedown, as the loop takes it.
    #[cold]
    fn of_signal(signal: Signal, parent: &Option<Pid>, last: &mut LastMessage) -> Self {
        match signal {
            Signal::Exit { from, reason } if parent.as_ref() == Some(&from) => {
                // The parent is going down and this server traps exits: terminate, then
                // follow.
                last.record_text(|| format!("{{:EXIT, {from}, {reason}}}"));
                Job::Stop(reason, Kind::Info)
            }
            Signal::Exit { from, reason } => Job::Info(Info::Exit { from, reason }),
            Signal::Down(down) => Job::Info(Info::Down(down)),
            Signal::NodeDown(node) => Job::Info(Info::NodeDown(node)),
        }
    }

    // The loop matches a job by its kind, then takes it apart whole with one of these: a
    // job taken apart by a pattern stays in the loop's future (as moved-from space) for as
    // long as the callback it went to runs, which is most of the server's life.

    fn into_call(self) -> (S::Call, Caller<S::Reply>) {
        match self {
            Job::Call(msg, from) => (msg, from),
            _ => unreachable!("taken apart as the kind it was matched as"),
        }
    }

    fn into_cast(self) -> S::Cast {
        match self {
            Job::Cast(msg) => msg,
            _ => unreachable!("taken apart as the kind it was matched as"),
        }
    }

    fn into_info(self) -> Info<S::Info> {
        match self {
            Job::Info(msg) => msg,
            _ => unreachable!("taken apart as the kind it was matched as"),
        }
    }
}

/// The continue of a `Then::Continue`, taken out of the whole value: a continue taken apart by
/// a pattern would keep the rest's slot in the loop's future across what comes next.
fn continue_of<C>(then: Option<Then<C>>) -> C {
    match then {
        Some(Then::Continue(c)) => c,
        _ => unreachable!("taken apart as the kind it was matched as"),
    }
}

/// Runs `terminate`, then reports. Returns the reason the server exits with: the given one, or
/// a panic from `terminate` itself. Awaited boxed: a server stops once, and the loop's future
/// does not carry the space of `terminate`'s.
async fn terminate<S: GenServer>(
    name: Option<&Name>,
    last: &LastMessage,
    state: &mut S,
    reason: ExitReason,
    kind: Kind,
) -> ExitReason {
    // A panic in `terminate` is the reason instead; an exit raised there, its reason.
    let reason = match catch_unwind(state.terminate(&reason)).await {
        Ok(()) => reason,
        Err(raised) => raised,
    };
    report::crash(name, last, state, &reason, kind);
    reason
}

fn fail_start<M: Send + 'static>(
    mailbox: &Mailbox<M>,
    me: &Pid,
    parent: &Option<Pid>,
    name: Option<&Name>,
    error: StartError,
) {
    if let Some(parent) = parent {
        process::unlink_pair(me, parent);
    }
    if let Some(Name::Via(via)) = name {
        via.0.unregister();
    }
    mailbox.ack_start(Err(Box::new(error)));
}

/// `init`'s future, boxed, from the moment a server is created: its starter may take the first
/// steps itself ([`Staged::poll_as_starter`]) and hand on what is left to the server's own task,
/// which awaits the rest. Boxed so that handing it on moves a pointer, not a pinned future.
pub(super) enum Staged<F: Future> {
    /// Still to finish. `by_starter`: the starter has polled it, and registered the server's
    /// name before; otherwise the server's task does both.
    Pending { init: F, by_starter: bool },
    /// Finished while the starter polled it: `init`'s result, for the task to take.
    Done(Option<F::Output>),
}

/// `init(arg)`, caught, staged and boxed.
// The future's type cannot be named (it is `init`'s), so it cannot be given a shorter alias.
#[allow(clippy::type_complexity)]
pub(super) fn init_future<S: GenServer>(
    arg: S::Arg,
) -> Pin<Box<Staged<impl Future<Output = Result<Init<S>, ExitReason>> + Send + 'static>>> {
    Box::pin(Staged::Pending {
        init: catch_unwind(S::init(arg)),
        by_starter: false,
    })
}

impl<F: Future> Staged<F> {
    /// Whether the server's task has the name to register (nobody polled `init` before it).
    fn fresh(&self) -> bool {
        matches!(
            self,
            Staged::Pending {
                by_starter: false,
                ..
            }
        )
    }
}

impl<S: GenServer, F: Future<Output = Result<Init<S>, ExitReason>>> Staged<F> {
    /// The starter's one poll, with the new process as current (see `process::poll_as`), the
    /// name registered already. `true` if `init` finished, the server started and has no
    /// continue to run first: the starter need not wait (the task still acknowledges the
    /// start once it runs).
    pub(super) fn poll_as_starter<M: Send + 'static>(
        mut self: Pin<&mut Self>,
        shared: &std::sync::Arc<process::Shared<M>>,
    ) -> bool {
        // SAFETY: the future inside is never moved: it is polled where it is, or dropped in
        // place by `Pin::set`.
        let polled = match unsafe { self.as_mut().get_unchecked_mut() } {
            Staged::Pending { init, by_starter } => {
                *by_starter = true;
                process::poll_as(shared, unsafe { Pin::new_unchecked(init) })
            }
            Staged::Done(_) => return false,
        };
        match polled {
            Poll::Ready(out) => {
                // A continue is the server's next step, due before anything else: the starter
                // then waits for the server's task as before, which runs the continue at once,
                // as on the BEAM, where it typically runs before the starter's next step.
                let started = matches!(
                    out,
                    Ok(Init::Ok(_) | Init::OkThen(_, Then::Timeout(_) | Then::Hibernate))
                );
                self.set(Staged::Done(Some(out)));
                started
            }
            Poll::Pending => false,
        }
    }
}

impl<F: Future> Future for Staged<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: as in `poll_as_starter`: `init` is polled in place, never moved.
        match unsafe { self.get_unchecked_mut() } {
            Staged::Pending { init, .. } => unsafe { Pin::new_unchecked(init) }.poll(cx),
            // Taken once: the server's task awaits this future once.
            Staged::Done(out) => Poll::Ready(out.take().expect("init's result taken once")),
        }
    }
}

/// What a server's task begins with (see [`run_server`]).
pub(super) enum Begin<S, F: Future> {
    /// `init`, boxed: still to finish, or finished with an outcome the task has to act on (a
    /// failure, a timeout or hibernation or a continue to begin with).
    Init(Pin<Box<Staged<F>>>),
    /// `init` finished in the starter's poll with `{:ok, state}`: the starter freed its box, on
    /// its own thread, and the task begins with the loop. Freed there, the box goes back to the
    /// starter's allocator cache and serves its next start; freed by the task (usually polled
    /// first on another worker) it would cross threads once per start. The task sets this
    /// variant too once it has awaited `init` itself: the state then stays here.
    Started(S),
}

impl<S: GenServer, F: Future<Output = Result<Init<S>, ExitReason>>> Begin<S, F> {
    /// What the task begins with, given `init`'s box after the starter's poll.
    pub(super) fn of(mut init: Pin<Box<Staged<F>>>) -> Self {
        // SAFETY: only the `Done` variant is touched, whose result is not pinned (the future,
        // in `Pending`, is never moved); the box is then dropped in place.
        if let Staged::Done(out) = unsafe { init.as_mut().get_unchecked_mut() } {
            match out.take() {
                Some(Ok(Init::Ok(state))) => return Begin::Started(state),
                other => *out = other,
            }
        }
        Begin::Init(init)
    }
}

/// How long a server goes on taking messages that are already waiting before it lets other
/// tasks run. The BEAM preempts a process after a budget of reductions (4000, a fraction of a
/// millisecond); tokio asks a task to yield every 10 to 100 µs. A yield costs the server a trip
/// through the scheduler, which on an otherwise idle worker is a poll of the I/O driver (a system
/// call): a few microseconds, which a slice counted in messages (64 of them, before) paid every
/// few microseconds when the handlers are fast.
const SLICE: Duration = Duration::from_micros(100);

/// Messages between two looks at the clock: a look costs about as much as taking a message.
const LOOK_EVERY: u32 = 32;

/// The server's current time slice: how many messages it took (and continues it ran) in a row
/// without waiting, and when it first looked at the clock in this run of them (in microseconds since [`clock`]'s
/// start, wrapping: 8 bytes in every idle server's future rather than 24 for an `Instant`).
struct Slice {
    taken: u32,
    since: u32,
}

/// Microseconds since the first look at the clock of any server, wrapping after 71 minutes
/// (a difference between two looks is right as long as they are less than that apart).
fn clock() -> u32 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_micros() as u32
}

impl Slice {
    fn new() -> Self {
        Slice { taken: 0, since: 0 }
    }

    /// Counts a look at the mailbox: a message taken, or none there (the server waits, and a
    /// new slice begins).
    #[inline]
    fn polled(&mut self, ready: bool) {
        self.taken = if ready { self.taken + 1 } else { 0 };
    }

    /// Counts a continue, which runs without waiting, as a message taken.
    #[inline]
    fn ran(&mut self) {
        self.taken += 1;
    }

    /// Whether the slice is used up, so the server must yield before its next message: after
    /// `LOOK_EVERY` messages in a row it notes the time, then looks every `LOOK_EVERY` more
    /// until `SLICE` has passed. A server whose handlers are slow yields after
    /// `2 * LOOK_EVERY` messages at the latest; one whose handlers are fast, every `SLICE`.
    #[inline]
    fn over(&mut self) -> bool {
        self.over_at(clock)
    }

    /// [`Slice::over`], with the clock given (the tests give their own).
    #[inline]
    fn over_at(&mut self, clock: impl FnOnce() -> u32) -> bool {
        if self.taken == 0 || !self.taken.is_multiple_of(LOOK_EVERY) {
            return false;
        }
        let now = clock();
        if self.taken == LOOK_EVERY {
            self.since = now;
            false
        } else if u128::from(now.wrapping_sub(self.since)) >= SLICE.as_micros() {
            self.taken = 0;
            true
        } else {
            false
        }
    }
}

/// The server process: registers its name, runs `init`, then the loop.
///
/// Memory per idle server is a target, and this future is most of it (it is the task's
/// body): so it is an async block, not an async fn, whose arguments would each be stored twice
/// (as arguments and as the locals they are moved into); every callback is awaited right here
/// rather than in a helper future that would copy its arguments again; and what a server needs
/// only once (`init`, `terminate`) or rarely (an idle timeout, a name) is boxed.
pub(super) fn run_server<S, F>(
    mut mailbox: Mailbox<GenMsg<S>>,
    mut begin: Begin<S, F>,
    parent: Option<Pid>,
    name: Option<Name>,
) -> impl Future<Output = ExitReason>
where
    S: GenServer,
    F: Future<Output = Result<Init<S>, ExitReason>> + Send + 'static,
{
    // Boxed: few servers have one, and the loop keeps it to its end for the crash report.
    let name = name.map(Box::new);
    async move {
        // The state lives in `begin` for the server's whole life: the loop reaches it through
        // `state!()`, so that it has one slot in this future, where a local moved out of
        // `begin` would have a second (and a reference kept across the loop's awaits would
        // cost 8 bytes, which take an idle server's task cell from 384 to 512 B).
        macro_rules! state {
            () => {
                match &mut begin {
                    Begin::Started(state) => state,
                    Begin::Init(_) => {
                        debug_assert!(false, "the loop reached the state before init gave it");
                        // SAFETY: `begin` is set to `Started` by the match on it below, on the
                        // only path that goes on to the loop (the others return), and nothing
                        // assigns it after; `state!()` is used only after that match. A checked
                        // `unreachable!` here cost each cast 18 instructions (callgrind), the
                        // branch keeping the loop from holding on to the state's address.
                        unsafe { std::hint::unreachable_unchecked() }
                    }
                }
            };
        }
        // What comes first (a timeout, hibernation, a continue) is kept apart from the state:
        // it is moved out whole while a message is awaited (see the loop).
        let mut then = match &mut begin {
            Begin::Started(_) => None,
            // In this arm: the pid is needed only until the server has started.
            Begin::Init(init) => {
                let me = mailbox.pid();
                // As gen_server's init_it: the new process registers its name itself (a via
                // registry's `register_name` sees it as `self()`), then runs init.
                if let Some(name) = name.as_deref()
                    && init.fresh()
                    && let Err(refused) = process::register_name(&me.node(), name, &me)
                {
                    let error = match refused {
                        process::RegisterError::Taken { holder, .. } => {
                            StartError::AlreadyStarted(holder)
                        }
                        process::RegisterError::InvalidName(name) => StartError::InvalidName(name),
                        other => StartError::Stop(ExitReason::custom(other.to_string())),
                    };
                    // Nothing to unregister: the name was never this process's.
                    fail_start(&mailbox, &me, &parent, None, error);
                    return ExitReason::Normal;
                }
                // Starting and failing to start happen once: boxed, so the loop does not carry
                // their space (and freed here, once `init` has returned and the state takes its
                // place).
                let started = init.await;
                let (state, then) = match started {
                    Ok(Init::Ok(state)) => (state, None),
                    Ok(Init::OkThen(state, then)) => (state, Some(then)),
                    Ok(Init::Ignore) => {
                        fail_start(&mailbox, &me, &parent, name.as_deref(), StartError::Ignore);
                        return ExitReason::Normal;
                    }
                    Ok(Init::Stop(reason)) => {
                        let error = StartError::Stop(reason.clone());
                        fail_start(&mailbox, &me, &parent, name.as_deref(), error);
                        return reason;
                    }
                    Err(raised) => {
                        let error = StartError::Stop(raised.clone());
                        fail_start(&mailbox, &me, &parent, name.as_deref(), error);
                        return raised;
                    }
                };
                begin = Begin::Started(state);
                then
            }
        };
        let mut last = LastMessage::new();
        mailbox.ack_start(Ok(()));
        let mut slice = Slice::new();

        let stopping = loop {
            // A continue runs before any message already waiting. (`then` is moved out whole,
            // into a local of this block: it then keeps no slot in the loop's future while a
            // message is awaited and handled, until it is set again.)
            let idle = {
                let current = then;
                match current {
                    Some(Then::Continue(_)) => {
                        // Taken out whole (see `Job::into_call`), then recorded.
                        let c = continue_of(current);
                        last.record(&c);
                        // A chain of continues counts against the time slice as messages do.
                        if slice.over() {
                            tokio::task::yield_now().await;
                        }
                        let result = catch_unwind(state!().handle_continue(c)).await;
                        slice.ran();
                        match noreply_step(result, Kind::Continue) {
                            Ok(next) => {
                                then = next;
                                continue;
                            }
                            Err(stopping) => break stopping,
                        }
                    }
                    Some(Then::Timeout(ms)) => Some(Duration::from_millis(ms)),
                    Some(Then::Hibernate) => {
                        mailbox.shrink();
                        None
                    }
                    None => None,
                }
            };
            if mailbox.exit_pending() {
                // An exit signal has come in: yield so that the runner stops this process now,
                // however many messages are waiting.
                tokio::task::yield_now().await;
            }
            let received = match idle {
                // Messages already waiting are taken without a trip through the scheduler,
                // for one time slice (see `Slice`): then the server yields, so a busy one cannot
                // keep others from running. An empty mailbox is looked at once: the same look
                // leaves the waker.
                None => {
                    if slice.over() {
                        tokio::task::yield_now().await;
                    }
                    let received = std::future::poll_fn(|cx| {
                        let polled = mailbox.poll_slot(cx);
                        slice.polled(polled.is_ready());
                        polled
                    })
                    .await;
                    Some(received)
                }
                // Boxed: the timer is large and idle timeouts are rare, so servers that never
                // use one do not carry its space. `None`: the timeout passed.
                Some(d) => Box::pin(tokio::time::timeout(
                    d,
                    std::future::poll_fn(|cx| mailbox.poll_slot(cx)),
                ))
                .await
                .ok(),
            };
            let job = Job::of(received, state!(), idle, &parent, &mut last, &mailbox);
            let step = match job {
                Job::Call(..) => {
                    // Written down in a block: a message borrowed for the record would keep its
                    // slot in the loop's future across the callback.
                    let (msg, mut from) = {
                        let (msg, from) = job.into_call();
                        last.record(&msg);
                        (msg, from)
                    };
                    let result = catch_unwind(state!().handle_call(msg, &from)).await;
                    // For the crash report: whether the caller still waits is known only now (it
                    // may have given up meanwhile). Asked only on the way out, as a reply, the
                    // common case, does not need it (a lock and an atomic read per call).
                    let kind = |from: &Caller<S::Reply>| Kind::Call {
                        caller: from.caller_id(),
                        waiting: from.is_waiting(),
                    };
                    match result {
                        Ok(CallResult::Reply(r)) => {
                            from.answer(r);
                            Ok(None)
                        }
                        Ok(CallResult::ReplyThen(r, then)) => {
                            from.answer(r);
                            Ok(Some(then))
                        }
                        Ok(CallResult::NoReply) => Ok(None),
                        Ok(CallResult::NoReplyThen(then)) => Ok(Some(then)),
                        Ok(CallResult::StopReply(reason, r)) => Err(Stopping {
                            reason,
                            kind: kind(&from),
                            reply: Some((from, r)),
                        }),
                        Ok(CallResult::Stop(reason)) | Err(reason) => {
                            Err(Stopping::new(reason, kind(&from)))
                        }
                    }
                }
                Job::Cast(_) => {
                    let msg = {
                        let msg = job.into_cast();
                        last.record(&msg);
                        msg
                    };
                    noreply_step(catch_unwind(state!().handle_cast(msg)).await, Kind::Cast)
                }
                Job::Info(_) => {
                    let msg = {
                        let msg = job.into_info();
                        last.record_text(|| format_info(&msg));
                        msg
                    };
                    noreply_step(catch_unwind(state!().handle_info(msg)).await, Kind::Info)
                }
                Job::Stop(reason, kind) => Err(Stopping::new(reason, kind)),
                Job::Next(next) => Ok(next),
            };
            match step {
                Ok(next) => then = next,
                Err(stopping) => break stopping,
            }
        };
        let Stopping {
            reason,
            kind,
            reply,
        } = stopping;
        let reason = Box::pin(terminate(name.as_deref(), &last, state!(), reason, kind)).await;
        if let Some((mut from, r)) = reply {
            from.answer(r);
        }
        reason
    }
}

#[cfg(test)]
mod slice {
    use super::{LOOK_EVERY, SLICE, Slice};

    /// Takes messages one by one (none waited for), the clock moving `per_look` µs between two
    /// looks, starting at `start`; returns how many were taken when the slice ended.
    fn run(start: u32, per_look: u32) -> u32 {
        let mut slice = Slice::new();
        let mut now = start;
        for n in 1..=100_000u32 {
            // The loop asks before it takes the next message.
            if slice.over_at(|| {
                let t = now;
                now = now.wrapping_add(per_look);
                t
            }) {
                return n - 1;
            }
            slice.polled(true);
        }
        panic!("the slice never ended");
    }

    #[test]
    fn fast_handlers_yield_once_the_slice_has_passed() {
        // 2 µs between looks: the first look notes the time, and 100 µs later, 50 looks on,
        // the slice is over.
        let slice_us = SLICE.as_micros() as u32;
        assert_eq!(run(1_000, 2), LOOK_EVERY * (1 + slice_us / 2));
    }

    #[test]
    fn slow_handlers_yield_after_two_looks() {
        assert_eq!(run(1_000, 500), 2 * LOOK_EVERY);
    }

    #[test]
    fn a_clock_that_wraps_still_counts_the_slice() {
        // The first look is 10 µs before the clock wraps around.
        assert_eq!(run(u32::MAX - 9, 500), 2 * LOOK_EVERY);
        let slice_us = SLICE.as_micros() as u32;
        assert_eq!(run(u32::MAX - 9, 2), LOOK_EVERY * (1 + slice_us / 2));
    }

    #[test]
    fn waiting_for_a_message_begins_a_new_slice() {
        let mut slice = Slice::new();
        let mut now = 0;
        let mut look = || {
            now += 500;
            now
        };
        for _ in 0..LOOK_EVERY {
            assert!(!slice.over_at(&mut look));
            slice.polled(true);
        }
        // The first look: the time is noted.
        assert!(!slice.over_at(&mut look));
        // The mailbox was empty once: the count starts again, and the noted time with it.
        slice.polled(false);
        for _ in 0..LOOK_EVERY {
            assert!(!slice.over_at(&mut look));
            slice.polled(true);
        }
        assert!(
            !slice.over_at(&mut look),
            "a first look again, not a second"
        );
    }
}

#[cfg(test)]
mod begin {
    use super::*;

    /// A server whose `init` answers as its argument says.
    #[derive(Debug)]
    struct Starts;

    impl GenServer for Starts {
        type Arg = &'static str;
        type Call = std::convert::Infallible;
        type Reply = ();
        type Cast = std::convert::Infallible;
        type Info = std::convert::Infallible;
        type Continue = ();
        async fn init(how: &'static str) -> Init<Self> {
            match how {
                "ok" => Init::Ok(Starts),
                "timeout" => Init::OkThen(Starts, Then::Timeout(5)),
                "continue" => Init::OkThen(Starts, Then::Continue(())),
                "ignore" => Init::Ignore,
                _ => Init::Stop(ExitReason::custom(how)),
            }
        }
    }

    /// Runs `init` as the starter does, and says what the server's task would begin with.
    fn begins_with(how: &'static str) -> &'static str {
        let node = crate::node::Node::new();
        let shared = process::create::<GenMsg<Starts>>(&node, None);
        let mut init = init_future::<Starts>(how);
        init.as_mut().poll_as_starter(&shared);
        match Begin::of(init) {
            Begin::Started(Starts) => "started",
            Begin::Init(mut init) => {
                // What the task awaits is `init`'s own outcome, kept whole.
                match init
                    .as_mut()
                    .poll(&mut Context::from_waker(std::task::Waker::noop()))
                {
                    Poll::Ready(Ok(Init::Ok(_))) => "init: ok",
                    Poll::Ready(Ok(Init::OkThen(_, Then::Timeout(5)))) => "init: timeout",
                    Poll::Ready(Ok(Init::OkThen(_, Then::Continue(())))) => "init: continue",
                    Poll::Ready(Ok(Init::Ignore)) => "init: ignore",
                    Poll::Ready(Ok(Init::Stop(_))) => "init: stop",
                    _ => "init: other",
                }
            }
        }
    }

    /// Only `{:ok, state}` lets the starter free `init`'s box and hand the state over; every
    /// other outcome reaches the server's task whole, in its box.
    #[test]
    fn only_a_plain_ok_begins_with_the_state() {
        assert_eq!(begins_with("ok"), "started");
        assert_eq!(begins_with("timeout"), "init: timeout");
        assert_eq!(begins_with("continue"), "init: continue");
        assert_eq!(begins_with("ignore"), "init: ignore");
        assert_eq!(begins_with("no"), "init: stop");
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
    /// Memory per idle server is a target (700 B of heap, BENCHMARKS.md); these sizes are most
    /// of it, so a change that grows them shows up here rather than only in `make bench`.
    #[test]
    fn an_idle_server_stays_small() {
        let node = crate::node::Node::new();
        let shared = process::create::<GenMsg<Tiny>>(&node, None);
        let f = run_server(
            Mailbox::new(shared.clone()),
            Begin::Init(init_future::<Tiny>(())),
            None,
            None,
        );
        eprintln!("run_server future: {} bytes", std::mem::size_of_val(&f));
        eprintln!(
            "Shared<GenMsg>: {} bytes",
            std::mem::size_of::<process::Shared<GenMsg<Tiny>>>()
        );
        eprintln!(
            "Slot<GenMsg>: {} bytes",
            std::mem::size_of::<Slot<GenMsg<Tiny>>>()
        );
        let r = process::run_probe(shared, f);
        eprintln!("runner future: {} bytes", r);
        // What tokio lays out around the runner (header, scheduler and task id, stage tag,
        // trailer) takes 104 B, and it rounds the cell up to a multiple of 128 B: up to 280 B
        // of runner, a small server's task cell is 384 B; past it, 512 B.
        assert!(
            r <= 280,
            "runner {r} B: an idle server's task cell grows past 384 B"
        );
        let shared_size = std::mem::size_of::<process::Shared<GenMsg<Tiny>>>();
        assert!(
            shared_size <= 216,
            "Shared {shared_size} B: past 216 B the per-server stride leaves 128-B alignment (see BENCHMARKS.md)"
        );
    }
}
