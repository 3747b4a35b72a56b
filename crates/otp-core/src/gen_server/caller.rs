//! The server's side of a call: [`Caller`] (the `from` of `handle_call`), [`ReplyTo`] (a reply
//! taken to answer later) and [`reply`] (`GenServer.reply/2`).
//!
//! A call from another node has a caller there: its reply goes back as a term, tagged as the
//! request was ([`RemoteFrom`]), through the node's distribution.
//!
//! Uses pids, terms, the current process (to look up the caller), the distribution runtime (to
//! answer a caller of another node) and the lock helpers; nothing else of `gen_server`.

use std::fmt;
use std::sync::Mutex;

use crate::pid::Pid;
use crate::process;
use crate::sync::lock;
use crate::term::{ExternalPid, Term};

use super::reply::ReplySender;

/// `from` in `handle_call`: who is waiting for the reply.
///
/// Returning `CallResult::Reply` answers it. To answer later, take the reply handle with
/// [`Caller::defer`], return `CallResult::NoReply`, and pass the handle to [`reply`] when the
/// answer is ready; any process may do it.
pub struct Caller<R> {
    slot: Mutex<Option<ReplyTo<R>>>,
    caller: Who,
}

/// A deferred reply, taken from a [`Caller`]: pass it to [`reply`].
pub struct ReplyTo<R> {
    to: Route<R>,
    caller: Who,
}

/// Where a reply goes.
enum Route<R> {
    /// To a caller of this node, waiting on a channel.
    Local(ReplySender<R>),
    /// To a caller of another node, as a term.
    Remote(Box<RemoteReply<R>>),
}

/// Who called.
#[derive(Clone)]
enum Who {
    /// A process of this node, by number, or code outside any process.
    Local(Option<u64>),
    /// A process of another node (boxed: rare, and every call's `from` stays small).
    Remote(Box<ExternalPid>),
}

/// The `from` of a call that came from another node: the caller's pid and the tag its reply
/// must carry (`[:alias | ref]` from OTP 24 on).
#[doc(hidden)]
#[derive(Debug)]
#[cfg_attr(not(feature = "dist"), allow(dead_code))]
pub struct RemoteFrom {
    pub(crate) caller: ExternalPid,
    pub(crate) tag: Term,
}

/// A reply for a caller of another node: how to make a term of it, and the server it comes
/// from.
struct RemoteReply<R> {
    from: RemoteFrom,
    encode: fn(R) -> Term,
    server: Pid,
}

impl<R> RemoteReply<R> {
    fn send(self, value: R) {
        #[cfg(feature = "dist")]
        if let Some(dist) = crate::dist::Distribution::of(&self.server.node()) {
            let server = dist.external(&self.server);
            dist.reply(
                &self.from.caller,
                self.from.tag,
                (self.encode)(value),
                server,
            );
        }
        #[cfg(not(feature = "dist"))]
        let _ = (self.from, self.encode, self.server, value);
    }
}

/// The live process the caller is: on the calling process's node, or of another node.
fn lookup(who: &Who) -> Option<Pid> {
    match who {
        Who::Local(id) => {
            let id = (*id)?;
            process::with_current(|me| me.and_then(|me| me.node().process(id)))
        }
        #[cfg(feature = "dist")]
        Who::Remote(pid) => process::current_node().pid_of(pid),
        #[cfg(not(feature = "dist"))]
        Who::Remote(_) => None,
    }
}

fn describe_caller(who: &Who) -> String {
    match who {
        Who::Local(Some(id)) => format!("#PID<0.{id}.0>"),
        Who::Local(None) => "outside any process".to_string(),
        Who::Remote(pid) => pid.to_string(),
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
        lookup(&self.caller)
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
    pub(super) fn new(tx: ReplySender<R>, caller: Option<u64>) -> Self {
        let caller = Who::Local(caller);
        Caller {
            slot: Mutex::new(Some(ReplyTo {
                to: Route::Local(tx),
                caller: caller.clone(),
            })),
            caller,
        }
    }

    /// The `from` of a call from another node: the reply goes back as `encode` makes it,
    /// from `server`.
    pub(super) fn remote(from: RemoteFrom, encode: fn(R) -> Term, server: Pid) -> Self {
        let caller = Who::Remote(Box::new(from.caller.clone()));
        Caller {
            slot: Mutex::new(Some(ReplyTo {
                to: Route::Remote(Box::new(RemoteReply {
                    from,
                    encode,
                    server,
                })),
                caller: caller.clone(),
            })),
            caller,
        }
    }

    /// The number of the calling process of this node (none for a caller on another node or
    /// outside any process), for the crash report.
    pub(super) fn caller_id(&self) -> Option<u64> {
        match &self.caller {
            Who::Local(id) => *id,
            Who::Remote(_) => None,
        }
    }

    /// The caller is still waiting for this reply, and it has not been deferred.
    pub(super) fn is_waiting(&self) -> bool {
        lock(&self.slot).as_ref().is_some_and(|to| match &to.to {
            Route::Local(tx) => !tx.is_closed(),
            // A caller on another node cannot be asked without a message: count it waiting.
            Route::Remote(_) => true,
        })
    }

    /// Sends the reply unless it was deferred. The loop owns the caller again by now, so no
    /// lock is taken.
    pub(super) fn answer(&mut self, value: R) {
        let slot = self.slot.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(to) = slot.take() {
            to.send(value);
        }
    }
}

impl<R> fmt::Debug for Caller<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Caller({})", describe_caller(&self.caller))
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
        lookup(&self.caller)
    }

    /// Sends `value`; `false` if the caller stopped waiting (a caller of another node is
    /// always sent to: whether it still waits is known only there).
    fn send(self, value: R) -> bool {
        match self.to {
            Route::Local(tx) => tx.send(value),
            Route::Remote(reply) => {
                reply.send(value);
                true
            }
        }
    }
}

impl<R> fmt::Debug for ReplyTo<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplyTo({})", describe_caller(&self.caller))
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
    to.send(value)
}
