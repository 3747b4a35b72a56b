//! The client's side: [`call`], [`call_timeout`], [`cast`], [`send`], [`stop`], and the
//! `:sys`-like [`get_state`], [`replace_state`] and [`inspect`]. Each resolves its destination ([`super::dest`])
//! and puts a message in the server's mailbox ([`super::handle`]).
//!
//! Uses the destinations, the handle, the errors, the behaviour, timeouts and the current
//! process (for the call deadline's timer), and messages (for via names).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::oneshot;

#[cfg(feature = "dist")]
use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::message::AnyMessage;
#[cfg(feature = "dist")]
use crate::name::Name;
use crate::process::{self, Timeout, with_timeout};

use super::behaviour::GenServer;
use super::dest::ToServer;
use super::error::{CallError, StopError};
use super::handle::{GenMsg, ServerRef};

/// The default timeout of [`call`]: 5000 ms, as in OTP.
pub const DEFAULT_CALL_TIMEOUT: Timeout = Timeout::millis(5000);

/// `GenServer.call/2`: sends a request and waits at most 5000 ms for the reply.
///
/// ```
/// use otp_core::gen_server::{self, CallError, CallResult, Caller, GenServer, Init, Options};
/// use otp_core::{ExitReason, Node};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Counter(i64);
///
/// #[derive(Debug)]
/// struct Get;
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Get;
///     type Reply = i64;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<i64>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let counter = gen_server::start_link::<Counter>(7, Options::new()).await.unwrap();
///         // Elixir: GenServer.call(pid, :get)
///         assert_eq!(gen_server::call(&counter, Get).await, Ok(7));
///         gen_server::stop(&counter, ExitReason::Normal, 5000).await.unwrap();
///         // Elixir exits the caller with :noproc; here it is an error value.
///         assert_eq!(gen_server::call(&counter, Get).await, Err(CallError::NoProc));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn call<S: GenServer>(
    server: impl ToServer<S>,
    msg: S::Call,
) -> impl Future<Output = Result<S::Reply, CallError>> {
    call_timeout(server, msg, DEFAULT_CALL_TIMEOUT)
}

/// `GenServer.call/3`: sends a request and waits at most `timeout` (milliseconds, a
/// [`Duration`], or [`Timeout::Infinity`]) for the reply.
///
/// A call to a dead server or an unknown name fails at once with [`CallError::NoProc`]. If the
/// server exits before replying, the error carries its exit reason. After a timeout nothing is
/// left behind: a late reply is dropped and never reaches the caller.
///
/// A server on another node (a pid of another node, `{name, node}`, with the `dist` feature)
/// is called as OTP's `gen_server:call` does it: the request goes as a term, and the call
/// fails with [`CallError::NoProc`] at once when no such server runs there, with the server's
/// exit reason if it dies first, and with [`CallError::NodeDown`] when its node cannot be
/// reached or the connection is lost. `S` must opt in ([`GenServer::remote`]).
///
/// ```
/// use otp_core::gen_server::{self, CallError, CallResult, Caller, GenServer, Init, Options};
/// use otp_core::{Node, Timeout, process};
/// use std::convert::Infallible;
///
/// /// Answers a call of `ms` after `ms` milliseconds.
/// #[derive(Debug)]
/// struct Slow;
///
/// impl GenServer for Slow {
///     type Arg = ();
///     type Call = u64;
///     type Reply = &'static str;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Slow)
///     }
///
///     async fn handle_call(&mut self, ms: u64, _from: &Caller<&'static str>) -> CallResult<Self> {
///         process::sleep(ms).await;
///         CallResult::Reply("done")
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let slow = gen_server::start_link::<Slow>((), Options::new()).await.unwrap();
///         // Elixir: GenServer.call(pid, 100, 1000)
///         assert_eq!(gen_server::call_timeout(&slow, 100, 1000).await, Ok("done"));
///         assert_eq!(gen_server::call_timeout(&slow, 5000, 1000).await, Err(CallError::Timeout));
///         // Elixir: GenServer.call(pid, 60_000, :infinity)
///         let patient = gen_server::call_timeout(&slow, 60_000, Timeout::Infinity).await;
///         assert_eq!(patient, Ok("done"));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn call_timeout<S: GenServer>(
    server: impl ToServer<S>,
    msg: S::Call,
    timeout: impl Into<Timeout>,
) -> Result<S::Reply, CallError> {
    #[cfg(feature = "dist")]
    if let Some(remote) = server.remote() {
        return super::remote::call::<S>(remote, msg, timeout.into()).await;
    }
    let server = server.to_server()?;
    let me =
        process::with_current(|p| p.map(|p| (p.is_cell(Arc::as_ptr(&server.addr.shared)), p.id())));
    if let Some((true, _)) = me {
        return Err(CallError::CallingSelf);
    }
    let (tx, mut rx) = super::reply::channel();
    server
        .push(GenMsg::Call(msg, tx, me.map(|(_, id)| id)))
        .map_err(|_| CallError::NoProc)?;
    let Some(d) = timeout.into().as_duration() else {
        // Without a deadline the wait keeps nothing but the reply's receiver: no timer to
        // carry through the wait and drop after it.
        return match std::future::poll_fn(|cx| rx.poll_reply(cx)).await {
            Ok(reply) => Ok(reply),
            // The reply handle was dropped: the server is exiting (or dropped the request).
            Err(_) => Err(CallError::Exit(server.pid().wait_exit().await)),
        };
    };
    let start = tokio::time::Instant::now();
    let at = start + d;
    let mut own_timer = None;
    let mut first_poll = true;
    let waited = std::future::poll_fn(|cx| {
        if let Poll::Ready(r) = rx.poll_reply(cx) {
            return Poll::Ready(Some(r));
        }
        // On the first poll the time is known (the call's start); later polls read the clock.
        let now = std::mem::take(&mut first_poll).then_some(start);
        process::poll_deadline(at, now, &mut own_timer, cx).map(|()| None)
    })
    .await;
    match waited {
        Some(Ok(reply)) => Ok(reply),
        Some(Err(_)) => {
            // The reply handle was dropped: the server is exiting (or dropped the request).
            // Wait for its exit, within what is left of the timeout.
            match tokio::time::timeout_at(at, server.pid().wait_exit()).await {
                Ok(reason) => Err(CallError::Exit(reason)),
                Err(_) => Err(CallError::Timeout),
            }
        }
        None => Err(CallError::Timeout),
    }
}

/// `true` when `server` is the process running this code: a request it waits for could only
/// deadlock.
fn is_calling_process<S: GenServer>(server: &ServerRef<S>) -> bool {
    let cell = Arc::as_ptr(&server.addr.shared);
    process::with_current(|me| me.is_some_and(|me| me.is_cell(cell)))
}

/// `GenServer.cast/2`: sends a request that needs no reply. Never fails: a cast to a dead
/// server or an unknown name is dropped, as in OTP.
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Init, Options};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Counter(i64);
///
/// #[derive(Debug)]
/// struct Get;
///
/// #[derive(Debug)]
/// struct Add(i64);
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Get;
///     type Reply = i64;
///     type Cast = Add;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<i64>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
///
///     async fn handle_cast(&mut self, Add(n): Add) -> CastResult<Self> {
///         self.0 += n;
///         CastResult::NoReply
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let counter = gen_server::start_link::<Counter>(10, Options::new()).await.unwrap();
///         // Elixir: GenServer.cast(pid, {:add, 5})
///         gen_server::cast(&counter, Add(5));
///         assert_eq!(gen_server::call(&counter, Get).await, Ok(15));
///         // A cast to nobody is dropped without a word, as in OTP.
///         gen_server::cast::<Counter>("nobody", Add(1));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn cast<S: GenServer>(server: impl ToServer<S>, msg: S::Cast) {
    deliver(server, GenMsg::Cast(msg));
}

/// `send(server, msg)`: a plain message, which the server receives in `handle_info` as
/// [`Info::Msg`](crate::gen_server::Info::Msg). Dropped if the server is gone.
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, CastResult, GenServer, Info, Init, Options};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Pings(u32);
///
/// #[derive(Debug)]
/// struct Ping;
///
/// impl GenServer for Pings {
///     type Arg = ();
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Ping;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Pings(0))
///     }
///
///     // Elixir: def handle_info(:ping, n), do: {:noreply, n + 1}
///     async fn handle_info(&mut self, msg: Info<Ping>) -> CastResult<Self> {
///         if let Info::Msg(Ping) = msg {
///             self.0 += 1;
///         }
///         CastResult::NoReply
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let pings = gen_server::start_link::<Pings>((), Options::new()).await.unwrap();
///         // Elixir: send(pid, :ping)
///         gen_server::send(&pings, Ping);
///         gen_server::send(&pings, Ping);
///         assert_eq!(gen_server::inspect(&pings, |p: &Pings| p.0).await, Ok(2));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn send<S: GenServer>(server: impl ToServer<S>, msg: S::Info) {
    deliver(server, GenMsg::Info(msg));
}

fn deliver<S: GenServer>(dest: impl ToServer<S>, msg: GenMsg<S>) {
    #[cfg(feature = "dist")]
    if let Some(remote) = dest.remote() {
        super::remote::deliver(remote, msg);
        return;
    }
    if let Some(via) = dest.via_name() {
        // Delivered to a process whose messages are `GenMsg<S>`: a server of type `S`.
        let _ = via.0.send(AnyMessage::new(msg));
    } else if let Ok(server) = dest.to_server() {
        let _ = server.push(msg);
    }
}

/// `GenServer.stop/3`: asks the server to exit with `reason`; `terminate` runs; returns once
/// the server is gone (or the timeout runs out). A server that calls it on itself gets
/// [`StopError::CallingSelf`] at once, where it could only wait for ever (Elixir exits it with
/// `{:calling_self, ...}`).
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options, StopError};
/// use otp_core::{ExitReason, Node};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Idle;
///
/// impl GenServer for Idle {
///     type Arg = ();
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Idle)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let idle = gen_server::start_link::<Idle>((), Options::new()).await.unwrap();
///         // Elixir: GenServer.stop(pid, :normal, 5000)
///         assert_eq!(gen_server::stop(&idle, ExitReason::Normal, 5000).await, Ok(()));
///         assert!(!idle.is_alive());
///         let again = gen_server::stop(&idle, ExitReason::Normal, 5000).await;
///         assert_eq!(again, Err(StopError::NoProc));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn stop<S: GenServer>(
    server: impl ToServer<S>,
    reason: ExitReason,
    timeout: impl Into<Timeout>,
) -> Result<(), StopError> {
    let server = server.to_server().map_err(|e| match e {
        CallError::WrongKind { pid, expected } => StopError::WrongKind { pid, expected },
        _ => StopError::NoProc,
    })?;
    if is_calling_process(&server) {
        return Err(StopError::CallingSelf);
    }
    server
        .push(GenMsg::Stop(Box::new(reason.clone())))
        .map_err(|_| StopError::NoProc)?;
    match with_timeout(timeout.into(), server.pid().wait_exit()).await {
        Some(exit) if exit == reason => Ok(()),
        Some(other) => Err(StopError::Exit(other)),
        None => Err(StopError::Timeout),
    }
}

/// `:sys.get_state/1`: a copy of the server's state, taken between two messages.
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, CastResult, GenServer, Init, Options};
/// use std::convert::Infallible;
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Counter(i64);
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = i64;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
///
///     async fn handle_cast(&mut self, n: i64) -> CastResult<Self> {
///         self.0 += n;
///         CastResult::NoReply
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let counter = gen_server::start_link::<Counter>(1, Options::new()).await.unwrap();
///         gen_server::cast(&counter, 2);
///         // Elixir: :sys.get_state(pid)
///         assert_eq!(gen_server::get_state(&counter).await, Ok(Counter(3)));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn get_state<S: GenServer + Clone>(server: impl ToServer<S>) -> Result<S, CallError> {
    inspect(server, |s: &S| s.clone()).await
}

/// Runs `f` on the server's state between two messages and returns what it returns: a
/// read-only window on the state for tests and tools (what `:sys.get_state` is for).
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, GenServer, Init, Options};
/// use std::convert::Infallible;
///
/// /// No `Clone` needed: `inspect` only borrows the state.
/// #[derive(Debug)]
/// struct Log(Vec<String>);
///
/// impl GenServer for Log {
///     type Arg = Vec<String>;
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(lines: Vec<String>) -> Init<Self> {
///         Init::Ok(Log(lines))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let lines = vec!["one".to_string(), "two".to_string()];
///         let log = gen_server::start_link::<Log>(lines, Options::new()).await.unwrap();
///         assert_eq!(gen_server::inspect(&log, |l: &Log| l.0.len()).await, Ok(2));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn inspect<S: GenServer, R: Send + 'static>(
    server: impl ToServer<S>,
    f: impl FnOnce(&S) -> R + Send + 'static,
) -> Result<R, CallError> {
    system(server, move |s: &mut S| f(s)).await
}

/// `:sys.replace_state/2`: replaces the server's state, between two messages, with what `f`
/// makes of it, and returns the new state. If `f` panics, the server keeps its state as it was
/// and lives on, and the caller gets [`CallError::CallbackFailed`].
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, CallError, GenServer, Init, Options};
/// use otp_core::ExitReason;
/// use std::convert::Infallible;
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Counter(i64);
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let counter = gen_server::start_link::<Counter>(1, Options::new()).await.unwrap();
///         // Elixir: :sys.replace_state(pid, fn n -> n * 10 end)
///         let new = gen_server::replace_state(&counter, |c: &Counter| Counter(c.0 * 10)).await;
///         assert_eq!(new, Ok(Counter(10)));
///         // A function that fails changes nothing.
///         let failed = gen_server::replace_state(&counter, |_: &Counter| -> Counter {
///             panic!("no")
///         });
///         assert_eq!(failed.await, Err(CallError::CallbackFailed(ExitReason::panic("no"))));
///         assert_eq!(gen_server::get_state(&counter).await, Ok(Counter(10)));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub async fn replace_state<S: GenServer + Clone>(
    server: impl ToServer<S>,
    f: impl FnOnce(&S) -> S + Send + 'static,
) -> Result<S, CallError> {
    system(server, move |s: &mut S| {
        // Made from the old state first: if `f` panics, the state is untouched.
        *s = f(s);
        s.clone()
    })
    .await
}

/// Runs `f` on the server's state between two messages, as a system message does: `f` runs in
/// the server, and a panic in it fails the request, not the server.
async fn system<S: GenServer, R: Send + 'static>(
    server: impl ToServer<S>,
    f: impl FnOnce(&mut S) -> R + Send + 'static,
) -> Result<R, CallError> {
    let server = server.to_server()?;
    if is_calling_process(&server) {
        return Err(CallError::CallingSelf);
    }
    let (tx, rx) = oneshot::channel();
    server
        .push(GenMsg::Sys(Box::new(move |s: &mut S| {
            let done = std::panic::catch_unwind(AssertUnwindSafe(|| f(s)));
            let _ = tx.send(done.map_err(|raised| crate::panic::reason(raised).0));
        })))
        .map_err(|_| CallError::NoProc)?;
    match tokio::time::timeout(Duration::from_millis(5000), rx).await {
        Ok(Ok(Ok(r))) => Ok(r),
        Ok(Ok(Err(failed))) => Err(CallError::CallbackFailed(failed)),
        Ok(Err(_)) => Err(CallError::Exit(server.pid().wait_exit().await)),
        Err(_) => Err(CallError::Timeout),
    }
}

/// `GenServer.multi_call/4`: calls the server registered as `name` on each of `nodes` at
/// once, and returns the replies, by node, with the nodes that gave none (not reachable, no
/// such server, or no reply in time), as OTP does. The calling process's own node may be
/// among them.
///
/// ```
/// use otp_core::dist::{Cookie, DistNode, MemoryNetwork};
/// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options, RemoteCodec};
/// use otp_core::Node;
/// use std::convert::Infallible;
///
/// /// Answers with its node's name.
/// #[derive(Debug)]
/// struct WhereAmI;
///
/// impl GenServer for WhereAmI {
///     type Arg = ();
///     type Call = ();
///     type Reply = String;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(WhereAmI)
///     }
///
///     async fn handle_call(&mut self, (): (), _from: &Caller<String>) -> CallResult<Self> {
///         CallResult::Reply(otp_core::process::current_node().name().as_str().to_string())
///     }
///
///     fn remote() -> Option<RemoteCodec<Self>> {
///         Some(RemoteCodec::new())
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let net = MemoryNetwork::new();
/// let (a, b) = (Node::new(), Node::new());
/// for (node, name) in [(&a, "a@memory"), (&b, "b@memory")] {
///     node.distribute(DistNode::builder(name, Cookie::new("c")).memory(&net)).await.unwrap();
///     gen_server::start_on::<WhereAmI>(node, (), Options::new().name("where")).await.unwrap();
/// }
/// let (replies, bad) = a
///     .run(async {
///         gen_server::multi_call::<WhereAmI>(["a@memory", "b@memory", "c@memory"], "where", (), 1000)
///             .await
///     })
///     .await
///     .unwrap();
/// assert_eq!(
///     replies,
///     [("a@memory".into(), "a@memory".to_string()), ("b@memory".into(), "b@memory".to_string())]
/// );
/// assert_eq!(bad, ["c@memory"]);
/// # });
/// ```
///
/// # Panics
/// Outside a process.
#[cfg(feature = "dist")]
pub async fn multi_call<S: GenServer>(
    nodes: impl IntoIterator<Item = impl Into<Atom>>,
    name: impl Into<Atom>,
    request: S::Call,
    timeout: impl Into<Timeout>,
) -> (Vec<(Atom, S::Reply)>, Vec<Atom>)
where
    S::Call: Clone,
{
    let name = name.into();
    let timeout = timeout.into();
    let nodes: Vec<Atom> = nodes.into_iter().map(Into::into).collect();
    type Answer<R> = std::pin::Pin<Box<dyn Future<Output = Result<R, CallError>> + Send>>;
    /// One node's call: under way, then done.
    enum Slot<R> {
        Waiting(Answer<R>),
        Done(Result<R, CallError>),
    }
    let mut calls: Vec<(Atom, Slot<S::Reply>)> = nodes
        .iter()
        .map(|node| {
            let dest = Name::Remote(name.clone(), node.clone());
            let call = call_timeout::<S>(dest, request.clone(), timeout);
            (node.clone(), Slot::Waiting(Box::pin(call)))
        })
        .collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (_, slot) in calls.iter_mut() {
            if let Slot::Waiting(call) = slot {
                match call.as_mut().poll(cx) {
                    Poll::Ready(result) => *slot = Slot::Done(result),
                    Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    let mut replies = Vec::new();
    let mut bad = Vec::new();
    for (node, slot) in calls {
        match slot {
            Slot::Done(Ok(reply)) => replies.push((node, reply)),
            _ => bad.push(node),
        }
    }
    (replies, bad)
}
