//! GenServer: the generic server behaviour, with every callback and response tuple of OTP.
//!
//! A server is a type implementing [`GenServer`]: the type is the server's state (Elixir's
//! `state` argument), its associated types are the messages it takes, and its methods are the
//! callbacks. Each callback returns a value that reads like Elixir's response tuple, without the
//! state: the state is `self`, which the callback changes in place. (Taking `&mut self` rather
//! than returning a new state is what lets `terminate` and the crash report see the state as it
//! was when a callback panicked, as Elixir's immutable state allows.)
//!
//! | Elixir                                          | Rust                                      |
//! |-------------------------------------------------|-------------------------------------------|
//! | `{:ok, state}`                                  | `Init::Ok(state)`                         |
//! | `{:ok, state, timeout \| :hibernate \| {:continue, c}}` | `Init::OkThen(state, Then::...)`  |
//! | `:ignore`                                       | `Init::Ignore`                            |
//! | `{:stop, reason}` (from init)                   | `Init::Stop(reason)`                      |
//! | `{:reply, reply, state}`                        | `CallResult::Reply(reply)`                |
//! | `{:reply, reply, state, then}`                  | `CallResult::ReplyThen(reply, then)`      |
//! | `{:noreply, state}`                             | `CallResult::NoReply` / `CastResult::NoReply` |
//! | `{:noreply, state, then}`                       | `CallResult::NoReplyThen(then)` / `CastResult::NoReplyThen(then)` |
//! | `{:stop, reason, reply, state}`                 | `CallResult::StopReply(reason, reply)`    |
//! | `{:stop, reason, state}`                        | `CallResult::Stop(reason)` / `CastResult::Stop(reason)` |
//! | `timeout` (ms)                                  | `Then::Timeout(ms)`                       |
//! | `:hibernate`                                    | `Then::Hibernate`                         |
//! | `{:continue, c}`                                | `Then::Continue(c)`                       |
//!
//! | Elixir                               | Rust                                            |
//! |--------------------------------------|-------------------------------------------------|
//! | `GenServer.start_link(M, arg, opts)` | [`start_link`]`::<M>(arg, opts)`                |
//! | `GenServer.start(M, arg, opts)`      | [`start`]`::<M>(arg, opts)`                     |
//! | `GenServer.call(server, msg)`        | [`call`]`(server, msg)` (5000 ms)               |
//! | `GenServer.call(server, msg, t)`     | [`call_timeout`]`(server, msg, t)`              |
//! | `GenServer.cast(server, msg)`        | [`cast`]`(server, msg)`                         |
//! | `send(server, msg)`                  | [`send`]`(server, msg)` (to `handle_info`)      |
//! | `GenServer.reply(from, reply)`       | [`reply`]`(from.defer(), reply)`                |
//! | `GenServer.stop(server, reason, t)`  | [`stop`]`(server, reason, t)`                   |
//! | `GenServer.whereis(name)`            | [`whereis`]`::<M>(name)`                        |
//! | `:sys.get_state(server)`             | [`get_state`]`(server)`                         |
//!
//! ```
//! use std::convert::Infallible;
//! use otp_core::gen_server::{self, CallResult, CastResult, Caller, GenServer, Init, Options};
//! use otp_core::Node;
//!
//! /// A counter: the state is the count.
//! #[derive(Debug)]
//! struct Counter(i64);
//!
//! #[derive(Debug)]
//! enum Call { Value }
//! #[derive(Debug)]
//! enum Cast { Add(i64) }
//!
//! impl GenServer for Counter {
//!     type Arg = i64;
//!     type Call = Call;
//!     type Reply = i64;
//!     type Cast = Cast;
//!     type Info = Infallible;
//!     type Continue = Infallible;
//!
//!     async fn init(start: i64) -> Init<Self> {
//!         Init::Ok(Counter(start))
//!     }
//!
//!     async fn handle_call(&mut self, Call::Value: Call, _from: &Caller<i64>) -> CallResult<Self> {
//!         CallResult::Reply(self.0)
//!     }
//!
//!     async fn handle_cast(&mut self, Cast::Add(n): Cast) -> CastResult<Self> {
//!         self.0 += n;
//!         CastResult::NoReply
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! Node::new().run(async {
//!     let counter = gen_server::start_link::<Counter>(10, Options::new()).await.unwrap();
//!     gen_server::cast(&counter, Cast::Add(5));
//!     assert_eq!(gen_server::call(&counter, Call::Value).await, Ok(15));
//! }).await.unwrap();
//! # });
//! ```

use std::any::type_name;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::exit::ExitReason;
use crate::name::{Name, ViaName};
use crate::node::lock;
use crate::panic::catch_unwind;
use crate::pid::Pid;
use crate::process::{
    self, Addr, AnyMessage, Down, Mailbox, Received, SendError, SpawnOpts, Timeout, with_timeout,
};

/// The default timeout of [`call`]: 5000 ms, as in OTP.
pub const DEFAULT_CALL_TIMEOUT: Timeout = Timeout::millis(5000);

// ---------------------------------------------------------------------------------------------
// Response types

/// What `init` returns.
#[derive(Debug)]
pub enum Init<S: GenServer> {
    /// `{:ok, state}`: the server starts with this state.
    Ok(S),
    /// `{:ok, state, timeout | :hibernate | {:continue, c}}`.
    OkThen(S, Then<S::Continue>),
    /// `:ignore`: the server does not start; `start_link` returns [`StartError::Ignore`].
    Ignore,
    /// `{:stop, reason}`: the server does not start; `start_link` returns
    /// [`StartError::Stop`] with the reason.
    Stop(ExitReason),
}

/// The optional last element of a response tuple: what the server does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then<C> {
    /// `timeout`: if no message arrives within this many milliseconds, `handle_info` receives
    /// [`Info::Timeout`]. Any message cancels it.
    Timeout(u64),
    /// `:hibernate`: the server releases what memory it can while it waits. On the BEAM this
    /// garbage-collects the process and drops its stack; a tokio task parked on its mailbox has
    /// no stack to drop, so here it releases the mailbox's spare capacity.
    Hibernate,
    /// `{:continue, c}`: `handle_continue(c)` runs next, before any message already waiting.
    Continue(C),
}

/// What `handle_call` returns.
#[derive(Debug)]
pub enum CallResult<S: GenServer> {
    /// `{:reply, reply, state}`.
    Reply(S::Reply),
    /// `{:reply, reply, state, timeout | :hibernate | {:continue, c}}`.
    ReplyThen(S::Reply, Then<S::Continue>),
    /// `{:noreply, state}`: no reply now; reply later with [`reply`] through
    /// [`Caller::defer`].
    NoReply,
    /// `{:noreply, state, timeout | :hibernate | {:continue, c}}`.
    NoReplyThen(Then<S::Continue>),
    /// `{:stop, reason, reply, state}`: `terminate` runs, then the reply is sent, then the server
    /// exits with `reason`.
    StopReply(ExitReason, S::Reply),
    /// `{:stop, reason, state}`: `terminate` runs and the server exits with `reason`; the caller
    /// gets the exit reason as its error.
    Stop(ExitReason),
}

/// What `handle_cast`, `handle_info` and `handle_continue` return.
#[derive(Debug)]
pub enum CastResult<S: GenServer> {
    /// `{:noreply, state}`.
    NoReply,
    /// `{:noreply, state, timeout | :hibernate | {:continue, c}}`.
    NoReplyThen(Then<S::Continue>),
    /// `{:stop, reason, state}`: `terminate` runs and the server exits with `reason`.
    Stop(ExitReason),
}

/// What `handle_info` receives: every message that is not a call or a cast.
#[derive(Debug)]
pub enum Info<I> {
    /// A plain message: sent with [`send`], or by a timer.
    Msg(I),
    /// `{:EXIT, from, reason}`: an exit signal from a linked process other than the parent,
    /// when the server traps exits.
    Exit {
        /// The process that exited.
        from: Pid,
        /// Its reason.
        reason: ExitReason,
    },
    /// `{:DOWN, ref, :process, pid, reason}` from a monitor.
    Down(Down),
    /// `:timeout`: the idle timeout set by a `Then::Timeout` ran out.
    Timeout,
}

// ---------------------------------------------------------------------------------------------
// The behaviour

/// The GenServer behaviour. The implementing type is the server's state.
///
/// Every callback but `init` has a default, as `use GenServer` gives Elixir modules:
/// `handle_call`, `handle_cast` and `handle_continue` stop the server with a reason naming the
/// missing callback; `handle_info` logs the unexpected message and carries on; `terminate` does
/// nothing; `format_status` prints the state with `Debug`.
///
/// A server that takes no calls (or casts, or plain messages, or continues) declares that type
/// as [`std::convert::Infallible`]: nobody can then send it one.
///
/// ```
/// use otp_core::Node;
/// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
/// use std::convert::Infallible;
///
/// // Elixir: defmodule Greeter do use GenServer ... end
/// #[derive(Debug)]
/// struct Greeter {
///     greeting: String,
/// }
///
/// impl GenServer for Greeter {
///     type Arg = String;
///     type Call = String;
///     type Reply = String;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(greeting: String) -> Init<Self> {
///         Init::Ok(Greeter { greeting })
///     }
///
///     async fn handle_call(&mut self, name: String, _from: &Caller<String>) -> CallResult<Self> {
///         CallResult::Reply(format!("{}, {name}!", self.greeting))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let greeter =
///             gen_server::start_link::<Greeter>("Hello".into(), Options::new()).await.unwrap();
///         let answer = gen_server::call(&greeter, "Ada".to_string()).await;
///         assert_eq!(answer.as_deref(), Ok("Hello, Ada!"));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub trait GenServer: Sized + Send + fmt::Debug + 'static {
    /// The argument `init` receives.
    type Arg: Send + 'static;
    /// The requests `handle_call` answers.
    type Call: Send + fmt::Debug + 'static;
    /// What `handle_call` replies.
    type Reply: Send + 'static;
    /// The messages `handle_cast` handles.
    type Cast: Send + fmt::Debug + 'static;
    /// The plain messages `handle_info` handles (besides exits, downs and timeouts).
    type Info: Send + fmt::Debug + 'static;
    /// The terms `handle_continue` receives.
    type Continue: Send + fmt::Debug + 'static;

    /// `init/1`: builds the state. Runs inside the new process; `start_link` waits for it.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options, StartError};
    /// use otp_core::{ExitReason, Node};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Door {
    ///     code: u32,
    /// }
    ///
    /// impl GenServer for Door {
    ///     type Arg = u32;
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     // Elixir: def init(0), do: {:stop, :no_code}
    ///     //         def init(code), do: {:ok, code}
    ///     async fn init(code: u32) -> Init<Self> {
    ///         match code {
    ///             0 => Init::Stop(ExitReason::custom("no_code")),
    ///             code => Init::Ok(Door { code }),
    ///         }
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         assert!(gen_server::start_link::<Door>(1234, Options::new()).await.is_ok());
    ///         let refused = gen_server::start_link::<Door>(0, Options::new()).await;
    ///         assert_eq!(refused.unwrap_err(), StartError::Stop(ExitReason::custom("no_code")));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn init(arg: Self::Arg) -> impl Future<Output = Init<Self>> + Send;

    /// `handle_call/3`: answers a request. `from` identifies the caller; keep
    /// [`Caller::defer`] to reply later, from this or any other process.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Stack(Vec<i32>);
    ///
    /// #[derive(Debug)]
    /// struct Pop;
    ///
    /// impl GenServer for Stack {
    ///     type Arg = Vec<i32>;
    ///     type Call = Pop;
    ///     type Reply = Option<i32>;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(items: Vec<i32>) -> Init<Self> {
    ///         Init::Ok(Stack(items))
    ///     }
    ///
    ///     // Elixir: def handle_call(:pop, _from, [top | rest]), do: {:reply, top, rest}
    ///     async fn handle_call(&mut self, Pop: Pop, _from: &Caller<Option<i32>>) -> CallResult<Self> {
    ///         CallResult::Reply(self.0.pop())
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let stack = gen_server::start_link::<Stack>(vec![1, 2], Options::new()).await.unwrap();
    ///         assert_eq!(gen_server::call(&stack, Pop).await, Ok(Some(2)));
    ///         assert_eq!(gen_server::call(&stack, Pop).await, Ok(Some(1)));
    ///         assert_eq!(gen_server::call(&stack, Pop).await, Ok(None));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn handle_call(
        &mut self,
        msg: Self::Call,
        from: &Caller<Self::Reply>,
    ) -> impl Future<Output = CallResult<Self>> + Send {
        let _ = (msg, from);
        async { CallResult::Stop(ExitReason::custom("no handle_call/3 clause was provided")) }
    }

    /// `handle_cast/2`: handles a message that needs no reply.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, CastResult, GenServer, Init, Options};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Clone, Debug)]
    /// struct Stack(Vec<i32>);
    ///
    /// #[derive(Debug)]
    /// struct Push(i32);
    ///
    /// impl GenServer for Stack {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Push;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Stack(Vec::new()))
    ///     }
    ///
    ///     // Elixir: def handle_cast({:push, x}, stack), do: {:noreply, [x | stack]}
    ///     async fn handle_cast(&mut self, Push(x): Push) -> CastResult<Self> {
    ///         self.0.push(x);
    ///         CastResult::NoReply
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let stack = gen_server::start_link::<Stack>((), Options::new()).await.unwrap();
    ///         gen_server::cast(&stack, Push(1));
    ///         gen_server::cast(&stack, Push(2));
    ///         assert_eq!(gen_server::get_state(&stack).await.unwrap().0, [1, 2]);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn handle_cast(&mut self, msg: Self::Cast) -> impl Future<Output = CastResult<Self>> + Send {
        let _ = msg;
        async { CastResult::Stop(ExitReason::custom("no handle_cast/2 clause was provided")) }
    }

    /// `handle_info/2`: handles every other message. The default logs it as unexpected, as
    /// `use GenServer`'s does; an override can call [`log_unexpected`] for the messages it does
    /// not handle.
    ///
    /// ```
    /// use otp_core::gen_server::{
    ///     self, CallResult, Caller, CastResult, GenServer, Info, Init, Options, Then,
    /// };
    /// use otp_core::{Node, process};
    /// use std::convert::Infallible;
    ///
    /// /// Counts the times it was left idle for a second.
    /// #[derive(Debug)]
    /// struct Idle {
    ///     timeouts: u32,
    /// }
    ///
    /// #[derive(Debug)]
    /// struct Get;
    ///
    /// impl GenServer for Idle {
    ///     type Arg = ();
    ///     type Call = Get;
    ///     type Reply = u32;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     // Elixir: def init(_), do: {:ok, 0, 1000}
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::OkThen(Idle { timeouts: 0 }, Then::Timeout(1000))
    ///     }
    ///
    ///     async fn handle_call(&mut self, Get: Get, _from: &Caller<u32>) -> CallResult<Self> {
    ///         CallResult::Reply(self.timeouts)
    ///     }
    ///
    ///     // Elixir: def handle_info(:timeout, n), do: {:noreply, n + 1}
    ///     async fn handle_info(&mut self, msg: Info<Infallible>) -> CastResult<Self> {
    ///         if let Info::Timeout = msg {
    ///             self.timeouts += 1;
    ///         }
    ///         CastResult::NoReply
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let idle = gen_server::start_link::<Idle>((), Options::new()).await.unwrap();
    ///         process::sleep(1500).await;
    ///         assert_eq!(gen_server::call(&idle, Get).await, Ok(1));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn handle_info(
        &mut self,
        msg: Info<Self::Info>,
    ) -> impl Future<Output = CastResult<Self>> + Send {
        async move {
            log_unexpected::<Self>(&msg);
            CastResult::NoReply
        }
    }

    /// `handle_continue/2`: runs after a callback returned `Then::Continue(c)`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Init, Options, Then};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Catalog {
    ///     items: Vec<&'static str>,
    /// }
    ///
    /// #[derive(Debug)]
    /// struct Load;
    ///
    /// #[derive(Debug)]
    /// struct Count;
    ///
    /// impl GenServer for Catalog {
    ///     type Arg = ();
    ///     type Call = Count;
    ///     type Reply = usize;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Load;
    ///
    ///     // Elixir: def init(_), do: {:ok, [], {:continue, :load}}
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::OkThen(Catalog { items: Vec::new() }, Then::Continue(Load))
    ///     }
    ///
    ///     // Elixir: def handle_continue(:load, _), do: {:noreply, ["tea", "coffee"]}
    ///     async fn handle_continue(&mut self, Load: Load) -> CastResult<Self> {
    ///         self.items = vec!["tea", "coffee"];
    ///         CastResult::NoReply
    ///     }
    ///
    ///     async fn handle_call(&mut self, Count: Count, _from: &Caller<usize>) -> CallResult<Self> {
    ///         CallResult::Reply(self.items.len())
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // start_link returns before the load; the first call still sees it done.
    ///         let catalog = gen_server::start_link::<Catalog>((), Options::new()).await.unwrap();
    ///         assert_eq!(gen_server::call(&catalog, Count).await, Ok(2));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn handle_continue(
        &mut self,
        c: Self::Continue,
    ) -> impl Future<Output = CastResult<Self>> + Send {
        let _ = c;
        async {
            CastResult::Stop(ExitReason::custom(
                "no handle_continue/2 clause was provided",
            ))
        }
    }

    /// `terminate/2`: runs before the server exits after a stop result, a panic in a callback,
    /// [`stop`], or an exit signal from its parent while trapping exits. It never runs after
    /// `kill`, nor after an exit signal that is not trapped.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
    /// use otp_core::{Console, ExitReason, Node, io};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Tidy;
    ///
    /// impl GenServer for Tidy {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Tidy)
    ///     }
    ///
    ///     // Elixir: def terminate(reason, _state), do: IO.puts("terminating: #{inspect(reason)}")
    ///     async fn terminate(&mut self, reason: &ExitReason) {
    ///         io::puts(format!("terminating: {reason}"));
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         let tidy = gen_server::start_link::<Tidy>((), Options::new()).await.unwrap();
    ///         gen_server::stop(&tidy, ExitReason::Normal, 5000).await.unwrap();
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(console.contents(), "terminating: :normal\n");
    /// # });
    /// ```
    fn terminate(&mut self, reason: &ExitReason) -> impl Future<Output = ()> + Send {
        let _ = reason;
        async {}
    }

    /// `format_status/1`: the state as crash reports print it.
    ///
    /// ```
    /// use otp_core::gen_server::{self, CastResult, GenServer, Init, Options};
    /// use otp_core::{Console, Node, logger};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Vault {
    ///     owner: String,
    ///     secret: String,
    /// }
    ///
    /// #[derive(Debug)]
    /// enum Cast {
    ///     Explode,
    /// }
    ///
    /// impl GenServer for Vault {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Cast;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Vault { owner: "ada".into(), secret: "hunter2".into() })
    ///     }
    ///
    ///     async fn handle_cast(&mut self, Cast::Explode: Cast) -> CastResult<Self> {
    ///         panic!("boom");
    ///     }
    ///
    ///     // Keep the secret out of crash reports.
    ///     fn format_status(&self) -> String {
    ///         format!("Vault(owner: {:?}, secret: <hidden>)", self.owner)
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// logger::init_console();
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         let vault = gen_server::start::<Vault>((), Options::new().name("vault")).await.unwrap();
    ///         gen_server::cast(&vault, Cast::Explode);
    ///         vault.pid().wait_exit().await;
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(
    ///     console.contents(),
    ///     "\n[error] GenServer :vault terminating\n** (panic) boom\n\
    ///      Last message: {:\"$gen_cast\", Explode}\nState: Vault(owner: \"ada\", secret: <hidden>)\n"
    /// );
    /// # });
    /// ```
    fn format_status(&self) -> String {
        format!("{self:?}")
    }

    /// The server's module name, as `which_children` and log lines show it.
    ///
    /// ```
    /// use otp_core::gen_server::{GenServer, Init};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Plain;
    ///
    /// #[derive(Debug)]
    /// struct Named;
    ///
    /// impl GenServer for Plain {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Plain)
    ///     }
    /// }
    ///
    /// impl GenServer for Named {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Named)
    ///     }
    ///     // Elixir's module name, as `which_children` and log lines print it.
    ///     fn module() -> &'static str {
    ///         "SuperDuper.Server"
    ///     }
    /// }
    ///
    /// assert!(Plain::module().ends_with("Plain"), "the Rust type's path by default");
    /// assert_eq!(Named::module(), "SuperDuper.Server");
    /// ```
    fn module() -> &'static str {
        type_name::<Self>()
    }

    /// `child_spec/1`, as `use GenServer` defines it: a worker with the module as its id, started
    /// with `start_link(arg)`, permanent, shut down with a 5000 ms timeout. Override it to change
    /// any of that (a server started once per name, say, gives each instance its own id).
    ///
    /// ```
    /// use otp_core::gen_server::{GenServer, Init};
    /// use otp_core::{Node, supervisor};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
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
    ///
    ///     fn module() -> &'static str {
    ///         "Counter"
    ///     }
    /// }
    ///
    /// // Elixir: Counter.child_spec(0)
    /// assert_eq!(
    ///     format!("{:?}", Counter::child_spec(0)),
    ///     "%{id: Counter, restart: :permanent, shutdown: 5000, type: :worker, modules: [Counter]}"
    /// );
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: Supervisor.start_link([{Counter, 0}], strategy: :one_for_one)
    ///         let children = vec![Counter::child_spec(0)];
    ///         let sup = supervisor::start_link(children, supervisor::Options::new()).await.unwrap();
    ///         let running = supervisor::which_children(&sup).await.unwrap();
    ///         assert_eq!(format!("{running:?}"), "[{Counter, #PID<0.102.0>, :worker, [Counter]}]");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn child_spec(arg: Self::Arg) -> crate::supervisor::ChildSpec
    where
        Self::Arg: Clone + Sync,
    {
        crate::supervisor::ChildSpec::new(Self::module(), move || {
            let arg = arg.clone();
            async move {
                start_link::<Self>(arg, Options::new())
                    .await
                    .map(|s| s.pid())
            }
        })
        .modules([Self::module()])
    }
}

/// Logs `msg` as a message `handle_info` did not expect, as Elixir's default `handle_info/2`
/// does: `<module> <pid> received unexpected message in handle_info/2: <msg>`.
///
/// ```
/// use otp_core::gen_server::{self, CastResult, GenServer, Info, Init, Options};
/// use otp_core::{Console, Node, logger};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Thermostat(f64);
///
/// #[derive(Debug)]
/// enum Reading {
///     Celsius(f64),
///     Garbage(&'static str),
/// }
///
/// impl GenServer for Thermostat {
///     type Arg = ();
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Reading;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Thermostat(20.0))
///     }
///
///     async fn handle_info(&mut self, msg: Info<Reading>) -> CastResult<Self> {
///         match msg {
///             Info::Msg(Reading::Celsius(t)) => self.0 = t,
///             // What the catch-all clause of `use GenServer` does.
///             other => gen_server::log_unexpected::<Self>(&other),
///         }
///         CastResult::NoReply
///     }
///
///     fn module() -> &'static str {
///         "Thermostat"
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// logger::init_console();
/// let console = Console::capture();
/// Node::with_console(console.clone())
///     .run(async {
///         let t = gen_server::start_link::<Thermostat>((), Options::new()).await.unwrap();
///         gen_server::send(&t, Reading::Garbage("??"));
///         gen_server::send(&t, Reading::Celsius(21.5));
///         assert_eq!(gen_server::inspect(&t, |t: &Thermostat| t.0).await, Ok(21.5));
///     })
///     .await
///     .unwrap();
/// assert_eq!(
///     console.contents(),
///     "\n[error] Thermostat #PID<0.101.0> received unexpected message in handle_info/2: \
///      Garbage(\"??\")\n"
/// );
/// # });
/// ```
pub fn log_unexpected<S: GenServer>(msg: &Info<S::Info>) {
    tracing::error!(
        target: "otp::gen_server",
        "{} {} received unexpected message in handle_info/2: {}",
        S::module(),
        process::self_pid(),
        format_info(msg)
    );
}

// ---------------------------------------------------------------------------------------------
// Callers and replies

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

    /// Sends the reply unless it was deferred. The loop owns the caller again by now, so no
    /// lock is taken.
    fn answer(&mut self, value: R) {
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

// ---------------------------------------------------------------------------------------------
// Handles and destinations

/// The messages a GenServer's mailbox holds. Not for use outside the runtime.
#[doc(hidden)]
pub enum GenMsg<S: GenServer> {
    Call(S::Call, oneshot::Sender<S::Reply>, Option<u64>),
    Cast(S::Cast),
    Info(S::Info),
    Stop(ExitReason),
    Sys(SysFn<S>),
}

#[doc(hidden)]
pub type SysFn<S> = Box<dyn FnOnce(&mut S) + Send>;

/// A typed handle to a running GenServer of type `S`: what [`start_link`] returns.
///
/// It prints as the server's pid. Calls and casts through it cost no lookup.
pub struct ServerRef<S: GenServer> {
    addr: Addr<GenMsg<S>>,
}

impl<S: GenServer> Clone for ServerRef<S> {
    fn clone(&self) -> Self {
        ServerRef {
            addr: self.addr.clone(),
        }
    }
}

impl<S: GenServer> ServerRef<S> {
    /// The server's pid.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
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
    ///         assert_eq!(idle.pid().to_string(), "#PID<0.101.0>");
    ///         assert_eq!(idle.to_string(), "#PID<0.101.0>");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        self.addr.pid()
    }

    /// `true` until the server has exited.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
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
    ///         assert!(idle.is_alive());
    ///         gen_server::stop(&idle, ExitReason::Normal, 5000).await.unwrap();
    ///         assert!(!idle.is_alive());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn is_alive(&self) -> bool {
        self.addr.is_alive()
    }

    /// A handle to the process `pid` if it is a GenServer of type `S`.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options, ServerRef};
    /// use otp_core::{Mailbox, Node, process};
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
    ///         // A plain pid (from which_children, a registry...) back to a typed handle.
    ///         assert_eq!(ServerRef::<Idle>::from_pid(&idle.pid()), Some(idle.clone()));
    ///         let plain = process::spawn(|_inbox: Mailbox<()>| async {});
    ///         assert_eq!(ServerRef::<Idle>::from_pid(&plain.pid()), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        Addr::from_pid(pid).map(|addr| ServerRef { addr })
    }

    fn push(&self, msg: GenMsg<S>) -> Result<(), SendError> {
        self.addr
            .shared
            .push(process::Slot::Msg(msg))
            .map_err(|_| SendError::NoProc)
    }
}

impl<S: GenServer> PartialEq for ServerRef<S> {
    fn eq(&self, other: &Self) -> bool {
        self.addr == other.addr
    }
}

impl<S: GenServer> Eq for ServerRef<S> {}

impl<S: GenServer> Hash for ServerRef<S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.pid().hash(state)
    }
}

impl<S: GenServer> fmt::Display for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<S: GenServer> fmt::Debug for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<S: GenServer> From<&ServerRef<S>> for Pid {
    fn from(s: &ServerRef<S>) -> Pid {
        s.pid()
    }
}

impl<S: GenServer> From<ServerRef<S>> for Pid {
    fn from(s: ServerRef<S>) -> Pid {
        s.pid()
    }
}

impl<S: GenServer> crate::timer::Target<S::Info> for ServerRef<S> {
    fn deliver(&self, msg: S::Info) -> bool {
        self.push(GenMsg::Info(msg)).is_ok()
    }

    fn target_pid(&self) -> Option<Pid> {
        Some(self.pid())
    }
}

/// Anything a call, cast or message can be addressed to: a [`ServerRef`], a [`Pid`], a
/// [`Name`], or a local name as a string or [`crate::Atom`]. References to any of these work
/// too, so `call(&server, msg)` costs no clone.
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
/// use otp_core::{Atom, Name, Node};
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
///         let counter =
///             gen_server::start_link::<Counter>(7, Options::new().name("counter")).await.unwrap();
///         // Elixir accepts a pid or a name in GenServer.call; so does every function here.
///         assert_eq!(gen_server::call(&counter, Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>(counter.pid(), Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>("counter", Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>(Name::local("counter"), Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>(Atom::from("counter"), Get).await, Ok(7));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub trait ToServer<S: GenServer> {
    /// The server this addresses, if it is alive and of type `S`.
    ///
    /// ```
    /// use otp_core::gen_server::{self, CallError, GenServer, Init, Options, ToServer};
    /// use otp_core::{Mailbox, Node, Pid, process};
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
    ///         let plain = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         let (server, other): (Pid, Pid) = (idle.pid(), plain.pid());
    ///         let resolved = <Pid as ToServer<Idle>>::to_server(&server).ok().map(|r| r.pid());
    ///         assert_eq!(resolved, Some(idle.pid()));
    ///         let wrong = <Pid as ToServer<Idle>>::to_server(&other);
    ///         assert!(matches!(wrong, Err(CallError::WrongKind { .. })));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError>;

    /// The via name, if this is one (casts and messages go through the registry's `send`).
    ///
    /// ```
    /// use otp_core::gen_server::{GenServer, Init, ToServer};
    /// use otp_core::registry::{self, Registry};
    /// use otp_core::{Name, Node};
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
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(registry::Options::unique()).await.unwrap();
    ///         let via = Name::via(names, "idle".to_string());
    ///         assert!(<Name as ToServer<Idle>>::via_name(&via).is_some());
    ///         assert!(<Name as ToServer<Idle>>::via_name(&Name::local("idle")).is_none());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn via_name(&self) -> Option<&ViaName> {
        None
    }
}

/// A resolved destination: borrowed when it was a handle already, owned after a lookup.
pub enum Resolved<'a, S: GenServer> {
    /// The caller's own handle.
    Borrowed(&'a ServerRef<S>),
    /// A handle found by a lookup.
    Owned(ServerRef<S>),
}

impl<S: GenServer> std::ops::Deref for Resolved<'_, S> {
    type Target = ServerRef<S>;
    fn deref(&self) -> &ServerRef<S> {
        match self {
            Resolved::Borrowed(r) => r,
            Resolved::Owned(r) => r,
        }
    }
}

impl<S: GenServer> ToServer<S> for ServerRef<S> {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        Ok(Resolved::Borrowed(self))
    }
}

impl<S: GenServer, T: ToServer<S> + ?Sized> ToServer<S> for &T {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        (**self).to_server()
    }
    fn via_name(&self) -> Option<&ViaName> {
        (**self).via_name()
    }
}

impl<S: GenServer> ToServer<S> for Pid {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        if !self.is_alive() {
            return Err(CallError::NoProc);
        }
        ServerRef::from_pid(self)
            .map(Resolved::Owned)
            .ok_or_else(|| CallError::WrongKind {
                pid: self.clone(),
                expected: type_name::<S>(),
            })
    }
}

impl<S: GenServer> ToServer<S> for Name {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        let pid = process::whereis(self).ok_or(CallError::NoProc)?;
        <Pid as ToServer<S>>::to_server(&pid).map(|r| Resolved::Owned(r.clone()))
    }
    fn via_name(&self) -> Option<&ViaName> {
        match self {
            Name::Via(v) => Some(v),
            _ => None,
        }
    }
}

impl<S: GenServer> ToServer<S> for str {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        let pid = process::whereis(&Name::from(self)).ok_or(CallError::NoProc)?;
        <Pid as ToServer<S>>::to_server(&pid).map(|r| Resolved::Owned(r.clone()))
    }
}

impl<S: GenServer> ToServer<S> for String {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        <str as ToServer<S>>::to_server(self.as_str())
    }
}

impl<S: GenServer> ToServer<S> for crate::exit::Atom {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        <str as ToServer<S>>::to_server(self.as_str())
    }
}

/// A destination to keep: a handle, a pid, or a name.
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, Dest, GenServer, Init, Options};
/// use otp_core::{Name, Node};
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
///         let counter =
///             gen_server::start_link::<Counter>(1, Options::new().name("counter")).await.unwrap();
///         // Destinations of different kinds, kept side by side.
///         let dests: Vec<Dest<Counter>> = vec![
///             counter.clone().into(),
///             counter.pid().into(),
///             "counter".into(),
///             Name::global("nobody").into(),
///         ];
///         assert_eq!(gen_server::call(&dests[0], Get).await, Ok(1));
///         assert_eq!(gen_server::call(&dests[1], Get).await, Ok(1));
///         assert_eq!(gen_server::call(&dests[2], Get).await, Ok(1));
///         assert!(gen_server::call(&dests[3], Get).await.is_err());
///         assert_eq!(dests[2].to_string(), ":counter");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub enum Dest<S: GenServer> {
    /// A handle.
    Ref(ServerRef<S>),
    /// A pid, checked to be a GenServer of type `S` at each use.
    Pid(Pid),
    /// A name, looked up at each use.
    Name(Name),
}

impl<S: GenServer> ToServer<S> for Dest<S> {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        match self {
            Dest::Ref(r) => r.to_server(),
            Dest::Pid(p) => p.to_server(),
            Dest::Name(n) => n.to_server(),
        }
    }
    fn via_name(&self) -> Option<&ViaName> {
        match self {
            Dest::Name(n) => <Name as ToServer<S>>::via_name(n),
            _ => None,
        }
    }
}

impl<S: GenServer> Clone for Dest<S> {
    fn clone(&self) -> Self {
        match self {
            Dest::Ref(r) => Dest::Ref(r.clone()),
            Dest::Pid(p) => Dest::Pid(p.clone()),
            Dest::Name(n) => Dest::Name(n.clone()),
        }
    }
}

impl<S: GenServer> fmt::Display for Dest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dest::Ref(r) => write!(f, "{r}"),
            Dest::Pid(p) => write!(f, "{p}"),
            Dest::Name(n) => write!(f, "{n}"),
        }
    }
}

impl<S: GenServer> fmt::Debug for Dest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<S: GenServer> From<ServerRef<S>> for Dest<S> {
    fn from(r: ServerRef<S>) -> Self {
        Dest::Ref(r)
    }
}

impl<S: GenServer> From<Pid> for Dest<S> {
    fn from(p: Pid) -> Self {
        Dest::Pid(p)
    }
}

impl<S: GenServer> From<Name> for Dest<S> {
    fn from(n: Name) -> Self {
        Dest::Name(n)
    }
}

impl<S: GenServer> From<&str> for Dest<S> {
    fn from(n: &str) -> Self {
        Dest::Name(Name::from(n))
    }
}

/// Why [`whereis`] found no server of the wanted type.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WhereisError {
    /// No live process has the name.
    #[error("no process is registered under {0}")]
    NotFound(Name),
    /// The name is held by a process of another kind.
    #[error(
        "{name} is held by {holder}, which is not a GenServer of type {expected} (its messages are {actual})"
    )]
    WrongKind {
        /// The name.
        name: Name,
        /// The process holding it.
        holder: Pid,
        /// The server type asked for.
        expected: &'static str,
        /// The message type of the process found.
        actual: &'static str,
    },
}

/// `GenServer.whereis/1`, typed: the server of type `S` registered under `name`.
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options, WhereisError};
/// use otp_core::{Mailbox, Node, process};
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
///         let idle =
///             gen_server::start_link::<Idle>((), Options::new().name("idle")).await.unwrap();
///         // Elixir: GenServer.whereis(:idle)
///         assert_eq!(gen_server::whereis::<Idle>("idle"), Ok(idle));
///         let missing = gen_server::whereis::<Idle>("nobody");
///         assert!(matches!(missing, Err(WhereisError::NotFound(_))));
///         // A name held by a process of another kind is an error too.
///         let plain = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         process::register("plain", &plain).unwrap();
///         let wrong = gen_server::whereis::<Idle>("plain");
///         assert!(matches!(wrong, Err(WhereisError::WrongKind { .. })));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process.
pub fn whereis<S: GenServer>(name: impl Into<Name>) -> Result<ServerRef<S>, WhereisError> {
    let name = name.into();
    let pid = process::whereis(&name).ok_or_else(|| WhereisError::NotFound(name.clone()))?;
    ServerRef::from_pid(&pid).ok_or_else(|| WhereisError::WrongKind {
        expected: type_name::<S>(),
        actual: pid.cell.message_type_name(),
        name,
        holder: pid,
    })
}

/// The calling process as a GenServer of type `S` (a server's own `self()`, typed, for timers
/// and for handing itself to others).
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Info, Init, Options};
/// use otp_core::{Node, process, timer};
/// use std::convert::Infallible;
///
/// /// Ticks once a second, counting.
/// #[derive(Debug)]
/// struct Ticker(u32);
///
/// #[derive(Debug)]
/// struct Tick;
///
/// #[derive(Debug)]
/// struct Get;
///
/// impl GenServer for Ticker {
///     type Arg = ();
///     type Call = Get;
///     type Reply = u32;
///     type Cast = Infallible;
///     type Info = Tick;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         // Elixir: Process.send_after(self(), :tick, 1000)
///         timer::send_after(&gen_server::self_ref::<Self>(), Tick, 1000);
///         Init::Ok(Ticker(0))
///     }
///
///     async fn handle_info(&mut self, msg: Info<Tick>) -> CastResult<Self> {
///         if let Info::Msg(Tick) = msg {
///             self.0 += 1;
///             timer::send_after(&gen_server::self_ref::<Self>(), Tick, 1000);
///         }
///         CastResult::NoReply
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<u32>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let ticker = gen_server::start_link::<Ticker>((), Options::new()).await.unwrap();
///         process::sleep(3500).await;
///         assert_eq!(gen_server::call(&ticker, Get).await, Ok(3));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a GenServer of type `S`.
pub fn self_ref<S: GenServer>() -> ServerRef<S> {
    let me = process::self_pid();
    ServerRef::from_pid(&me).unwrap_or_else(|| {
        panic!(
            "self_ref::<{}> called from {me}, which is not a GenServer of that type",
            type_name::<S>()
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Starting

/// Options for [`start`] and [`start_link`] (Elixir's `opts`).
#[derive(Clone, Default)]
pub struct Options {
    name: Option<Name>,
    timeout: Option<Timeout>,
}

impl Options {
    /// No name, no init timeout.
    ///
    /// ```
    /// use otp_core::gen_server::Options;
    ///
    /// // Elixir: GenServer.start_link(M, arg, [])
    /// let opts = Options::new();
    /// assert_eq!(format!("{opts:?}"), "Options { name: None, timeout: None }");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `name: name`: registers the server under a local, global or via name.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
    /// use otp_core::{Name, Node, process};
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
    ///         // Elixir: GenServer.start_link(Idle, nil, name: :idle)
    ///         let idle =
    ///             gen_server::start_link::<Idle>((), Options::new().name("idle")).await.unwrap();
    ///         assert_eq!(process::whereis(&Name::local("idle")), Some(idle.pid()));
    ///         // Elixir: name: {:global, :idle}
    ///         let global = Options::new().name(Name::global("idle"));
    ///         let other = gen_server::start_link::<Idle>((), global).await.unwrap();
    ///         assert_eq!(process::whereis(&Name::global("idle")), Some(other.pid()));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn name(mut self, name: impl Into<Name>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `timeout: t`: how long `init` may take; the server is killed and the start fails with
    /// [`StartError::Timeout`] after that. Infinity by default.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options, StartError};
    /// use otp_core::{Node, process};
    /// use std::convert::Infallible;
    ///
    /// /// Takes `ms` milliseconds to start.
    /// #[derive(Debug)]
    /// struct SlowStart;
    ///
    /// impl GenServer for SlowStart {
    ///     type Arg = u64;
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(ms: u64) -> Init<Self> {
    ///         process::sleep(ms).await;
    ///         Init::Ok(SlowStart)
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: GenServer.start_link(SlowStart, 10_000, timeout: 1000)
    ///         let late =
    ///             gen_server::start_link::<SlowStart>(10_000, Options::new().timeout(1000)).await;
    ///         assert_eq!(late.unwrap_err(), StartError::Timeout);
    ///         let quick = gen_server::start_link::<SlowStart>(10, Options::new().timeout(1000)).await;
    ///         assert!(quick.is_ok());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn timeout(mut self, t: impl Into<Timeout>) -> Self {
        self.timeout = Some(t.into());
        self
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("name", &self.name)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a server did not start.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StartError {
    /// `init` returned `Stop(reason)` or panicked: `{:error, reason}`.
    #[error("init failed: {0}")]
    Stop(ExitReason),
    /// `init` returned `Ignore`: `:ignore`.
    #[error("init returned ignore")]
    Ignore,
    /// The name is taken: `{:error, {:already_started, pid}}`.
    #[error("already started: {0}")]
    AlreadyStarted(Pid),
    /// `init` took longer than the `timeout` option: `{:error, :timeout}`.
    #[error("init timed out")]
    Timeout,
    /// A supervisor could not start one of its children:
    /// `{:error, {:shutdown, {:failed_to_start_child, id, reason}}}`.
    #[error("failed to start child {id}: {reason}")]
    ChildFailed {
        /// The child's id.
        id: crate::exit::Atom,
        /// Why it did not start.
        reason: Box<StartError>,
    },
}

/// `GenServer.start_link/3`: starts a server linked to the calling process and waits for its
/// `init`.
///
/// A failed start leaves nothing behind: the process is gone, its name is free again, and the
/// caller gets the error without an exit signal (OTP 26 and later behave this way; OTP 25 also
/// sent the caller the exit signal).
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options, StartError};
/// use otp_core::{Node, process};
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
///         // Elixir: {:ok, pid} = GenServer.start_link(Idle, nil, name: :idle)
///         let idle =
///             gen_server::start_link::<Idle>((), Options::new().name("idle")).await.unwrap();
///         assert!(process::is_linked(&process::self_pid(), &idle.pid()));
///         // Elixir: {:error, {:already_started, pid}}
///         let again = gen_server::start_link::<Idle>((), Options::new().name("idle")).await;
///         assert_eq!(again.unwrap_err(), StartError::AlreadyStarted(idle.pid()));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process (a linked server needs a process to link to; use [`start`] or
/// [`crate::Node::run`]), or outside a tokio runtime.
pub async fn start_link<S: GenServer>(
    arg: S::Arg,
    opts: Options,
) -> Result<ServerRef<S>, StartError> {
    let parent = process::self_pid();
    do_start::<S>(arg, opts, Some(parent), true).await
}

/// `GenServer.start/3`: like [`start_link`], without the link. Works outside any process when
/// given a node through [`start_on`].
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options};
/// use otp_core::{ExitReason, Node, process};
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
///         // Elixir: {:ok, pid} = GenServer.start(Idle, nil)
///         let idle = gen_server::start::<Idle>((), Options::new()).await.unwrap();
///         assert!(!process::is_linked(&process::self_pid(), &idle.pid()));
///         // Its death does not reach the process that started it.
///         process::exit(&idle.pid(), ExitReason::Kill);
///         assert_eq!(idle.pid().wait_exit().await, ExitReason::Killed);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub async fn start<S: GenServer>(arg: S::Arg, opts: Options) -> Result<ServerRef<S>, StartError> {
    let parent = process::self_pid();
    do_start::<S>(arg, opts, Some(parent), false).await
}

/// Starts an unlinked server on `node` from anywhere, inside a process or not.
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
/// let node = Node::new();
/// // No process needed: a program's main task can start, call and cast.
/// let counter = gen_server::start_on::<Counter>(&node, 41, Options::new()).await.unwrap();
/// gen_server::cast(&counter, Add(1));
/// assert_eq!(gen_server::call(&counter, Get).await, Ok(42));
/// # });
/// ```
pub async fn start_on<S: GenServer>(
    node: &crate::Node,
    arg: S::Arg,
    opts: Options,
) -> Result<ServerRef<S>, StartError> {
    let parent = process::current();
    let node = node.clone();
    start_with_node::<S>(&node, arg, opts, parent, false).await
}

async fn do_start<S: GenServer>(
    arg: S::Arg,
    opts: Options,
    parent: Option<Pid>,
    link: bool,
) -> Result<ServerRef<S>, StartError> {
    let node = parent
        .as_ref()
        .map(Pid::node)
        .unwrap_or_else(process::current_node);
    start_with_node::<S>(&node, arg, opts, parent, link).await
}

async fn start_with_node<S: GenServer>(
    node: &crate::Node,
    arg: S::Arg,
    opts: Options,
    parent: Option<Pid>,
    link: bool,
) -> Result<ServerRef<S>, StartError> {
    let shared = process::create::<GenMsg<S>>(node, parent.clone());
    let pid = Pid {
        cell: shared.clone(),
    };
    if let Some(name) = &opts.name {
        match process::register_name(node, name, &pid) {
            Ok(()) => {}
            Err(process::RegisterError::Taken { holder, .. }) => {
                return Err(StartError::AlreadyStarted(holder));
            }
            Err(other) => return Err(StartError::Stop(ExitReason::custom(other.to_string()))),
        }
    }
    let (ack_tx, ack_rx) = oneshot::channel();
    let mailbox = Mailbox::new(shared.clone());
    let body = run_server::<S>(mailbox, arg, ack_tx, parent, opts.name.clone());
    let spawn_opts = SpawnOpts {
        link,
        reports_own_crash: true,
        ..SpawnOpts::default()
    };
    let (addr, _) = process::start(shared, body, spawn_opts);
    let timeout = opts.timeout.unwrap_or(Timeout::Infinity);
    match with_timeout(timeout, ack_rx).await {
        Some(Ok(Ok(()))) => Ok(ServerRef { addr }),
        Some(Ok(Err(e))) => {
            // The server unlinked itself and is exiting: wait until it is gone, so that its
            // name is free when this returns.
            addr.pid().wait_exit().await;
            Err(e)
        }
        Some(Err(_)) => Err(StartError::Stop(addr.pid().wait_exit().await)),
        None => {
            if link {
                process::unlink_pair(&process::self_pid(), &addr.pid());
            }
            process::exit_from(&addr.pid(), &addr.pid(), ExitReason::Kill);
            addr.pid().wait_exit().await;
            Err(StartError::Timeout)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calls, casts, messages, stop

/// Why a call failed: Elixir's `exit` reasons of `GenServer.call`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CallError {
    /// `:noproc`: the server is not alive, or no process has the name. Returned at once.
    #[error(
        "no process: the process is not alive or there's no process currently associated with the given name"
    )]
    NoProc,
    /// `:timeout`: no reply in time. Nothing is left behind: a late reply is dropped.
    #[error("time out: no reply within the timeout")]
    Timeout,
    /// `:calling_self`: a server called itself, which could only deadlock.
    #[error("process attempted to call itself")]
    CallingSelf,
    /// The server exited before replying; its exit reason.
    #[error("the server exited: {0}")]
    Exit(ExitReason),
    /// The destination is a process of another kind.
    #[error("{pid} is not a GenServer of type {expected}")]
    WrongKind {
        /// The process found.
        pid: Pid,
        /// The server type asked for.
        expected: &'static str,
    },
}

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
    let server = server.to_server()?;
    let me = process::with_current(|p| p.map(|p| (p.id(), p.core().node.id())));
    let core = &server.addr.shared.core;
    if me == Some((core.id, core.node.id())) {
        return Err(CallError::CallingSelf);
    }
    let (tx, mut rx) = oneshot::channel();
    server
        .push(GenMsg::Call(msg, tx, me.map(|(id, _)| id)))
        .map_err(|_| CallError::NoProc)?;
    let start_and_deadline = timeout.into().as_duration().map(|d| {
        let now = tokio::time::Instant::now();
        (now, now + d)
    });
    let deadline = start_and_deadline.map(|(_, at)| at);
    let mut own_timer = None;
    let mut first_poll = true;
    let waited = std::future::poll_fn(|cx| {
        if let Poll::Ready(r) = Pin::new(&mut rx).poll(cx) {
            return Poll::Ready(Some(r));
        }
        let Some((start, at)) = start_and_deadline else {
            return Poll::Pending;
        };
        // On the first poll the time is known (the call's start); later polls read the clock.
        let now = std::mem::take(&mut first_poll).then_some(start);
        poll_deadline(at, now, &mut own_timer, cx).map(|()| None)
    })
    .await;
    match waited {
        Some(Ok(reply)) => Ok(reply),
        Some(Err(_)) => {
            // The reply handle was dropped: the server is exiting (or dropped the request).
            // Wait for its exit, within what is left of the timeout.
            let pid = server.pid();
            let exit = match deadline {
                None => Some(pid.wait_exit().await),
                Some(at) => tokio::time::timeout_at(at, pid.wait_exit()).await.ok(),
            };
            Err(exit.map(CallError::Exit).unwrap_or(CallError::Timeout))
        }
        None => Err(CallError::Timeout),
    }
}

/// Polls a call's deadline. A process waits for one reply at a time, so it keeps one timer for
/// all its calls. The timer is moved only when its deadline is later than the call's or has
/// passed; deadlines growing from one call to the next, that happens about once per timeout
/// period instead of once per call. While it is armed with this task's waker it is not even
/// polled: it will wake the task when it fires, and a timer that fires before the call's own
/// deadline just wakes the caller to set it again. Outside any process the call uses a timer of
/// its own.
fn poll_deadline(
    at: tokio::time::Instant,
    now: Option<tokio::time::Instant>,
    own: &mut Option<Box<CallTimer>>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    match process::with_call_timer(|timer| poll_timer(timer, at, now, cx)) {
        Some(polled) => polled,
        None => poll_timer(own, at, now, cx),
    }
}

/// A process's reusable call timer (see [`poll_deadline`]).
pub(crate) struct CallTimer {
    sleep: Pin<Box<tokio::time::Sleep>>,
    /// While armed: the timer's deadline and the waker it holds.
    armed: Option<(tokio::time::Instant, std::task::Waker)>,
}

/// `now`, when given, is the current time, which lets an armed timer whose deadline is still
/// ahead be trusted without asking tokio anything.
fn poll_timer(
    slot: &mut Option<Box<CallTimer>>,
    at: tokio::time::Instant,
    now: Option<tokio::time::Instant>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    if let (Some(now), Some(timer)) = (now, &*slot)
        && let Some((d, w)) = &timer.armed
        && *d > now
        && *d <= at
        && w.will_wake(cx.waker())
    {
        return Poll::Pending;
    }
    let timer = slot.get_or_insert_with(|| {
        Box::new(CallTimer {
            sleep: Box::pin(tokio::time::sleep_until(at)),
            armed: None,
        })
    });
    if timer.sleep.deadline() > at || timer.sleep.is_elapsed() {
        timer.sleep.as_mut().reset(at);
        timer.armed = None;
    }
    if timer
        .armed
        .as_ref()
        .is_some_and(|(_, w)| w.will_wake(cx.waker()))
    {
        return Poll::Pending;
    }
    loop {
        match timer.sleep.as_mut().poll(cx) {
            Poll::Pending => {
                timer.armed = Some((timer.sleep.deadline(), cx.waker().clone()));
                return Poll::Pending;
            }
            Poll::Ready(()) if tokio::time::Instant::now() >= at => {
                timer.armed = None;
                return Poll::Ready(());
            }
            Poll::Ready(()) => timer.sleep.as_mut().reset(at),
        }
    }
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
/// [`Info::Msg`]. Dropped if the server is gone.
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
    if let Some(via) = dest.via_name() {
        let _ = via.0.send(AnyMessage::from_fn(
            move |pid| match ServerRef::<S>::from_pid(pid) {
                Some(server) => server.push(msg),
                None => Err(process::wrong_type::<GenMsg<S>>(pid)),
            },
        ));
    } else if let Ok(server) = dest.to_server() {
        let _ = server.push(msg);
    }
}

/// Why [`stop`] did not see the server stop as asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StopError {
    /// The server was not alive.
    #[error("no process")]
    NoProc,
    /// The server did not exit in time.
    #[error("the server did not stop within the timeout")]
    Timeout,
    /// The server exited with another reason (its `terminate` panicked, say).
    #[error("the server exited with {0}")]
    Exit(ExitReason),
    /// The destination is a process of another kind.
    #[error("{pid} is not a GenServer of type {expected}")]
    WrongKind {
        /// The process found.
        pid: Pid,
        /// The server type asked for.
        expected: &'static str,
    },
}

/// `GenServer.stop/3`: asks the server to exit with `reason`; `terminate` runs; returns once
/// the server is gone (or the timeout runs out).
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
    server
        .push(GenMsg::Stop(reason.clone()))
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
    let server = server.to_server()?;
    let (tx, rx) = oneshot::channel();
    server
        .push(GenMsg::Sys(Box::new(move |s: &mut S| {
            let _ = tx.send(f(s));
        })))
        .map_err(|_| CallError::NoProc)?;
    match tokio::time::timeout(Duration::from_millis(5000), rx).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(_)) => Err(CallError::Exit(server.pid().wait_exit().await)),
        Err(_) => Err(CallError::Timeout),
    }
}

// ---------------------------------------------------------------------------------------------
// The server loop

/// What the loop was handling, for the crash report's "Last message".
#[derive(Clone, Copy)]
enum Kind {
    Call(Option<u64>),
    Cast,
    Info,
    Continue,
    Stop,
}

/// How one step of the loop ended.
enum Step<C> {
    Go(Option<Then<C>>),
    Exit(ExitReason),
}

/// The crash report's memory of the message being handled. A callback takes its message by
/// value, so the message is gone once the callback panics; the report can only print what was
/// written down before. Formatting every message costs time, so it is done only when a `tracing`
/// subscriber is installed (checked once when the server starts), into one reused buffer.
struct LastMessage {
    on: bool,
    text: String,
}

/// A cast, info or continue result: what comes next, or the reason to stop with.
#[inline]
fn noreply_step<S: GenServer>(
    result: Result<CastResult<S>, String>,
) -> Result<Option<Then<S::Continue>>, ExitReason> {
    match result {
        Ok(CastResult::NoReply) => Ok(None),
        Ok(CastResult::NoReplyThen(then)) => Ok(Some(then)),
        Ok(CastResult::Stop(reason)) => Err(reason),
        Err(message) => Err(ExitReason::panic(message)),
    }
}

impl LastMessage {
    #[inline]
    fn record(&mut self, msg: &dyn fmt::Debug) {
        if self.on {
            self.write(msg);
        }
    }

    #[cold]
    fn write(&mut self, msg: &dyn fmt::Debug) {
        use fmt::Write as _;
        self.text.clear();
        let _ = write!(self.text, "{msg:?}");
    }

    fn record_text(&mut self, text: impl FnOnce() -> String) {
        if self.on {
            self.text = text();
        }
    }
}

/// Formats an `Info` as Elixir prints the message behind it.
fn format_info<I: fmt::Debug>(info: &Info<I>) -> String {
    match info {
        Info::Msg(m) => format!("{m:?}"),
        Info::Exit { from, reason } => format!("{{:EXIT, {from}, {reason}}}"),
        Info::Down(d) => d.to_string(),
        Info::Timeout => ":timeout".to_string(),
    }
}

/// How Elixir's `Exception.format_exit/1` prints a stop reason.
fn format_stop(reason: &ExitReason) -> String {
    match reason {
        ExitReason::Panic(message) => format!("** (panic) {message}"),
        ExitReason::Killed => "** (stop) killed".to_string(),
        ExitReason::NoProc => "** (stop) no process".to_string(),
        other => format!("** (stop) {other}"),
    }
}

struct Ctx {
    /// The server's name, for crash reports (its pid is used when it has none).
    name: Option<Name>,
    last: LastMessage,
}

impl Ctx {
    fn label(&self) -> String {
        match &self.name {
            Some(n) => n.to_string(),
            None => process::self_pid().to_string(),
        }
    }

    fn report<S: GenServer>(&self, state: &S, reason: &ExitReason, kind: Kind) {
        if reason.is_clean() {
            return;
        }
        let last = match kind {
            Kind::Call(Some(from)) => {
                format!("Last message (from #PID<0.{from}.0>): {}", self.last.text)
            }
            Kind::Call(None) => format!("Last message: {}", self.last.text),
            Kind::Cast => format!("Last message: {{:\"$gen_cast\", {}}}", self.last.text),
            Kind::Info | Kind::Stop => format!("Last message: {}", self.last.text),
            Kind::Continue => format!("Last message: {{:continue, {}}}", self.last.text),
        };
        tracing::error!(
            target: "otp::gen_server",
            "GenServer {} terminating\n{}\n{}\nState: {}",
            self.label(),
            format_stop(reason),
            last,
            state.format_status()
        );
    }

    /// Runs `terminate`, then reports. Returns the reason the server exits with: the given one,
    /// or a panic from `terminate` itself.
    async fn terminate<S: GenServer>(
        &self,
        state: &mut S,
        reason: ExitReason,
        kind: Kind,
    ) -> ExitReason {
        let reason = match catch_unwind(state.terminate(&reason)).await {
            Ok(()) => reason,
            Err(message) => ExitReason::panic(message),
        };
        self.report(state, &reason, kind);
        reason
    }

    /// What a cast, info or continue result means. The common results need no waiting, so
    /// this is a plain function; only a stop goes on to `terminate`, in its own boxed future.
    async fn after_noreply<S: GenServer>(
        &self,
        state: &mut S,
        result: Result<CastResult<S>, String>,
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
        tx: oneshot::Sender<S::Reply>,
        caller: Option<u64>,
    ) -> Step<S::Continue> {
        self.last.record(&msg);
        let mut from = Caller {
            slot: Mutex::new(Some(ReplyTo { tx, caller })),
            caller,
        };
        let result = catch_unwind(state.handle_call(msg, &from)).await;
        let kind = Kind::Call(caller);
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
            Err(message) => {
                Step::Exit(Box::pin(self.terminate(state, ExitReason::panic(message), kind)).await)
            }
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

async fn run_server<S: GenServer>(
    mut mailbox: Mailbox<GenMsg<S>>,
    arg: S::Arg,
    ack: oneshot::Sender<Result<(), StartError>>,
    parent: Option<Pid>,
    name: Option<Name>,
) -> ExitReason {
    let me = mailbox.pid();
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
        Err(message) => {
            let reason = ExitReason::panic(&message);
            fail_start(&me, &parent, &name, ack, StartError::Stop(reason.clone()));
            return reason;
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
                ctx.call(&mut state, msg, tx, caller).await
            }
            Received::Msg(GenMsg::Cast(msg)) => ctx.cast(&mut state, msg).await,
            Received::Msg(GenMsg::Info(msg)) => ctx.info(&mut state, Info::Msg(msg)).await,
            Received::Msg(GenMsg::Stop(reason)) => {
                ctx.last.record_text(|| "{:system, :terminate}".to_string());
                Step::Exit(Box::pin(ctx.terminate(&mut state, reason, Kind::Stop)).await)
            }
            Received::Msg(GenMsg::Sys(f)) => match catch_unwind(async { f(&mut state) }).await {
                Ok(()) => Step::Go(None),
                Err(message) => {
                    ctx.last.record_text(|| "{:system, :inspect}".to_string());
                    let reason = ExitReason::panic(message);
                    Step::Exit(Box::pin(ctx.terminate(&mut state, reason, Kind::Stop)).await)
                }
            },
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
        };
        match step {
            Step::Go(next) => then = next,
            Step::Exit(reason) => return reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_print_like_elixir() {
        assert_eq!(
            format_stop(&ExitReason::custom("we_broke_something")),
            "** (stop) :we_broke_something"
        );
        assert_eq!(format_stop(&ExitReason::Killed), "** (stop) killed");
        assert_eq!(format_stop(&ExitReason::panic("Boom")), "** (panic) Boom");
    }

    #[test]
    fn info_prints_like_the_message_elixir_saw() {
        assert_eq!(format_info::<u8>(&Info::Timeout), ":timeout");
        assert_eq!(format_info(&Info::Msg("tick")), "\"tick\"");
    }

    #[test]
    fn infallible_is_a_fine_message_type() {
        fn takes<T: Send + fmt::Debug + 'static>() {}
        takes::<std::convert::Infallible>();
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
        let node = crate::Node::new();
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
