//! The server's side of a call: [`Caller`] (the `from` of `handle_call`), [`ReplyTo`] (a reply
//! taken to answer later) and [`reply`] (`GenServer.reply/2`).
//!
//! Uses pids, the current process (to look up the caller) and the lock helpers; nothing else
//! of `gen_server`.

use std::fmt;
use std::sync::Mutex;

use tokio::sync::oneshot;

use crate::pid::Pid;
use crate::process;
use crate::sync::lock;

/// `from` in `handle_call`: who is waiting for the reply.
///
/// Returning `CallResult::Reply` answers it. To answer later, take the reply handle with
/// [`Caller::defer`], return `CallResult::NoReply`, and pass the handle to [`reply`] when the
/// answer is ready; any process may do it.
pub struct Caller<R> {
    slot: Mutex<Option<ReplyTo<R>>>,
    caller: Option<u64>,
}

/// A deferred reply, taken from a [`Caller`]: pass it to [`reply`].
pub struct ReplyTo<R> {
    tx: oneshot::Sender<R>,
    caller: Option<u64>,
}

/// The live process numbered `id` on the calling process's node.
fn lookup(id: Option<u64>) -> Option<Pid> {
    let id = id?;
    process::with_current(|me| me.and_then(|me| me.node().process(id)))
}

fn describe_caller(id: Option<u64>) -> String {
    match id {
        Some(id) => format!("#PID<0.{id}.0>"),
        None => "outside any process".to_string(),
    }
}

impl<R> Caller<R> {
    /// The calling process, if it is still alive (`None` too when the call came from outside any
    /// process).
    ///
    /// ```
    /// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
    /// use otp_core::{Node, Pid, process};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct WhoCalls;
    ///
    /// #[derive(Debug)]
    /// struct Who;
    ///
    /// impl GenServer for WhoCalls {
    ///     type Arg = ();
    ///     type Call = Who;
    ///     type Reply = Option<Pid>;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(WhoCalls)
    ///     }
    ///
    ///     // Elixir: def handle_call(:who, {pid, _tag}, state), do: {:reply, pid, state}
    ///     async fn handle_call(&mut self, Who: Who, from: &Caller<Option<Pid>>) -> CallResult<Self> {
    ///         CallResult::Reply(from.pid())
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let server = gen_server::start_link::<WhoCalls>((), Options::new()).await.unwrap();
    ///         assert_eq!(gen_server::call(&server, Who).await, Ok(Some(process::self_pid())));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Option<Pid> {
        lookup(self.caller)
    }

    /// Takes the reply handle, to answer later with [`reply`]. A second `defer` returns `None`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Doubler;
    ///
    /// impl GenServer for Doubler {
    ///     type Arg = ();
    ///     type Call = u64;
    ///     type Reply = u64;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Doubler)
    ///     }
    ///
    ///     async fn handle_call(&mut self, n: u64, from: &Caller<u64>) -> CallResult<Self> {
    ///         let reply_to = from.defer().expect("the first defer takes the handle");
    ///         assert!(from.defer().is_none(), "there is only one");
    ///         // Elixir: GenServer.reply(from, n * 2); {:noreply, state}
    ///         gen_server::reply(reply_to, n * 2);
    ///         CallResult::NoReply
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let doubler = gen_server::start_link::<Doubler>((), Options::new()).await.unwrap();
    ///         assert_eq!(gen_server::call(&doubler, 21).await, Ok(42));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn defer(&self) -> Option<ReplyTo<R>> {
        lock(&self.slot).take()
    }

    /// The `from` of one call, holding its reply handle.
    #[inline]
    pub(super) fn new(tx: oneshot::Sender<R>, caller: Option<u64>) -> Self {
        Caller {
            slot: Mutex::new(Some(ReplyTo { tx, caller })),
            caller,
        }
    }

    /// The caller is still waiting for this reply, and it has not been deferred.
    pub(super) fn is_waiting(&self) -> bool {
        lock(&self.slot)
            .as_ref()
            .is_some_and(|to| !to.tx.is_closed())
    }

    /// Sends the reply unless it was deferred. The loop owns the caller again by now, so no
    /// lock is taken.
    pub(super) fn answer(&mut self, value: R) {
        let slot = self.slot.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(to) = slot.take() {
            let _ = to.tx.send(value);
        }
    }
}

impl<R> fmt::Debug for Caller<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Caller({})", describe_caller(self.caller))
    }
}

impl<R> ReplyTo<R> {
    /// The process waiting for the reply, if it is still alive.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Greeter;
    ///
    /// #[derive(Debug)]
    /// struct Hello;
    ///
    /// impl GenServer for Greeter {
    ///     type Arg = ();
    ///     type Call = Hello;
    ///     type Reply = String;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Greeter)
    ///     }
    ///
    ///     async fn handle_call(&mut self, Hello: Hello, from: &Caller<String>) -> CallResult<Self> {
    ///         let reply_to = from.defer().expect("not deferred yet");
    ///         let who = reply_to.caller().map(|pid| pid.to_string()).unwrap_or_default();
    ///         gen_server::reply(reply_to, format!("hello, {who}"));
    ///         CallResult::NoReply
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let greeter = gen_server::start_link::<Greeter>((), Options::new()).await.unwrap();
    ///         let answer = gen_server::call(&greeter, Hello).await;
    ///         assert_eq!(answer.as_deref(), Ok("hello, #PID<0.100.0>"));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn caller(&self) -> Option<Pid> {
        lookup(self.caller)
    }
}

impl<R> fmt::Debug for ReplyTo<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplyTo({})", describe_caller(self.caller))
    }
}

/// `GenServer.reply/2`: answers a deferred call. Returns `false` if the caller stopped waiting
/// (it timed out, or exited). A late reply never reaches a caller that gave up.
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{
///     self, CallResult, Caller, CastResult, GenServer, Init, Options, ReplyTo,
/// };
/// use std::convert::Infallible;
///
/// /// Holds every caller until it is opened.
/// #[derive(Debug, Default)]
/// struct Gate {
///     waiting: Vec<ReplyTo<&'static str>>,
/// }
///
/// #[derive(Debug)]
/// struct Wait;
///
/// #[derive(Debug)]
/// struct Open;
///
/// impl GenServer for Gate {
///     type Arg = ();
///     type Call = Wait;
///     type Reply = &'static str;
///     type Cast = Open;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Gate::default())
///     }
///
///     // Elixir: def handle_call(:wait, from, waiting), do: {:noreply, [from | waiting]}
///     async fn handle_call(&mut self, Wait: Wait, from: &Caller<&'static str>) -> CallResult<Self> {
///         self.waiting.extend(from.defer());
///         CallResult::NoReply
///     }
///
///     // Elixir: Enum.each(waiting, &GenServer.reply(&1, :open))
///     async fn handle_cast(&mut self, Open: Open) -> CastResult<Self> {
///         for caller in self.waiting.drain(..) {
///             gen_server::reply(caller, "open");
///         }
///         CastResult::NoReply
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let gate = gen_server::start_link::<Gate>((), Options::new()).await.unwrap();
///         // The call waits at the gate; the cast sent after it opens the gate.
///         let (answer, ()) = tokio::join!(gen_server::call(&gate, Wait), async {
///             gen_server::cast(&gate, Open)
///         });
///         assert_eq!(answer, Ok("open"));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn reply<R>(to: ReplyTo<R>, value: R) -> bool {
    to.tx.send(value).is_ok()
}
