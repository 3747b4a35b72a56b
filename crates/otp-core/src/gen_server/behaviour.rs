//! The behaviour: the [`GenServer`] trait, whose methods are the callbacks, and the response
//! tuples they return ([`Init`], [`CallResult`], [`CastResult`], [`Then`]) and the
//! [`Info`] that `handle_info` receives; also [`log_unexpected`], what the default
//! `handle_info` does with a message.
//!
//! Uses the `from` of a call ([`super::caller`]), child specs and start errors, exit reasons,
//! pids and the current process (whose pid `log_unexpected` prints). Nothing here runs a
//! server: the loop ([`super::server_loop`]) and the start ([`super::starting`]) are built on
//! this file, not the reverse.

use std::any::type_name;
use std::fmt;
use std::future::Future;

use crate::atom::Atom;
use crate::child_spec::{ChildSpec, StartError};
use crate::exit::ExitReason;
use crate::pid::{Down, Pid};
use crate::process;
use crate::term::{FromTerm, IntoTerm, Term, TermError};

use super::caller::Caller;

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
    /// [`Info::Timeout`]. Any message for the callbacks (a call, a cast, a plain message, a
    /// signal) cancels it; a system message ([`get_state`](crate::gen_server::get_state) and
    /// the like) does not: as in gen_server, the server then waits again with the same
    /// timeout.
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
    ///
    /// [`reply`]: crate::gen_server::reply
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
    /// A plain message: sent with [`send`](crate::gen_server::send), or by a timer.
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
    /// `{:nodedown, node}`: the connection to a node the server monitors is lost (see
    /// `dist::monitor_node`, with the `dist` feature).
    NodeDown(Atom),
    /// `:timeout`: the idle timeout set by a `Then::Timeout` ran out.
    Timeout,
}

/// The GenServer behaviour. The implementing type is the server's state.
///
/// Every callback but `init` has a default, as `use GenServer` gives Elixir modules:
/// `handle_call` and `handle_cast` stop the server as Elixir's raise does ("attempted to call
/// GenServer :name but no handle_call/3 clause was provided", as a panic reason), and
/// `handle_continue` with a reason naming it; `handle_info` logs the unexpected message and
/// carries on; `terminate` does
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
        // Elixir's default raises this RuntimeError; a panic is this crate's raise.
        let reason = ExitReason::panic(format!(
            "attempted to call GenServer {} but no handle_call/3 clause was provided",
            own_label()
        ));
        async { CallResult::Stop(reason) }
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
        let reason = ExitReason::panic(format!(
            "attempted to cast GenServer {} but no handle_cast/2 clause was provided",
            own_label()
        ));
        async { CastResult::Stop(reason) }
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
        // Logged before the future is made (which the loop awaits at once), so that the future
        // does not hold the message: it is the largest a server awaits unless it has its own
        // `handle_info`, and the server's future keeps room for the largest.
        log_unexpected::<Self>(&msg);
        async { CastResult::NoReply }
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
    /// [`stop`]: crate::gen_server::stop
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

    /// Opts the server in to messages from other nodes (the `dist` feature): a call, cast or
    /// message that arrives as a term is read as this server's `Call`, `Cast` or `Info`, and
    /// its reply goes back as a term, so `GenServer.call({name, node}, request)` from an Erlang
    /// or Elixir node, or from another Rust node, reaches `handle_call`. The default, `None`,
    /// keeps the server to this node: a term sent to it is dropped and logged, and a Rust call
    /// to such a server on another node is [`CallError::NotRemote`].
    ///
    /// Write `Some(RemoteCodec::new())`; it compiles only when every message type converts
    /// both ways (see [`RemoteCodec::new`]).
    ///
    /// A request that does not convert is answered `{:error, {:bad_request, description}}`
    /// (the caller never waits in vain) and logged; a cast or message that does not convert is
    /// dropped and logged. Neither reaches a callback, so neither can crash the server.
    ///
    /// [`CallError::NotRemote`]: crate::gen_server::CallError::NotRemote
    ///
    /// ```
    /// use otp_core::gen_server::{CallResult, Caller, GenServer, Init, RemoteCodec};
    /// use otp_core::term::{FromTerm, IntoTerm, Term, TermError};
    /// use std::convert::Infallible;
    ///
    /// /// `:say`, as an Elixir client sends it.
    /// #[derive(Debug)]
    /// struct Say;
    ///
    /// impl FromTerm for Say {
    ///     fn from_term(term: Term) -> Result<Self, TermError> {
    ///         if term.is_atom("say") { Ok(Say) } else { Err(TermError::new(":say", &term)) }
    ///     }
    /// }
    ///
    /// impl IntoTerm for Say {
    ///     fn into_term(self) -> Term {
    ///         Term::atom("say")
    ///     }
    /// }
    ///
    /// #[derive(Debug)]
    /// struct Superman;
    ///
    /// impl GenServer for Superman {
    ///     type Arg = ();
    ///     type Call = Say;
    ///     type Reply = String;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Superman)
    ///     }
    ///
    ///     async fn handle_call(&mut self, Say: Say, _from: &Caller<String>) -> CallResult<Self> {
    ///         CallResult::Reply("I am Superman".to_string())
    ///     }
    ///
    ///     // iex> GenServer.call({:superman, :"rust@127.0.0.1"}, :say)
    ///     // "I am Superman"
    ///     fn remote() -> Option<RemoteCodec<Self>> {
    ///         Some(RemoteCodec::new())
    ///     }
    /// }
    ///
    /// assert!(Superman::remote().is_some());
    /// ```
    fn remote() -> Option<RemoteCodec<Self>> {
        None
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
    fn child_spec(arg: Self::Arg) -> ChildSpec
    where
        Self::Arg: Clone + Sync,
        Self: StartLinked<Self::Arg>,
    {
        ChildSpec::new(Self::module(), move || Self::start_linked(arg.clone()))
            .modules([Self::module()])
    }
}

/// How a server's messages become terms and back, for messages from and to other nodes (see
/// [`GenServer::remote`]): the conversions of its four message types, kept as plain
/// functions. Only [`RemoteCodec::new`] makes one, and it asks for every conversion, so a
/// server that never goes remote needs none.
#[cfg_attr(not(feature = "dist"), allow(dead_code))]
pub struct RemoteCodec<S: GenServer> {
    pub(crate) call_from: fn(Term) -> Result<S::Call, TermError>,
    pub(crate) call_into: fn(S::Call) -> Term,
    pub(crate) reply_from: fn(Term) -> Result<S::Reply, TermError>,
    pub(crate) reply_into: fn(S::Reply) -> Term,
    pub(crate) cast_from: fn(Term) -> Result<S::Cast, TermError>,
    pub(crate) cast_into: fn(S::Cast) -> Term,
    pub(crate) info_from: fn(Term) -> Result<S::Info, TermError>,
    pub(crate) info_into: fn(S::Info) -> Term,
}

impl<S: GenServer> RemoteCodec<S>
where
    S::Call: IntoTerm + FromTerm,
    S::Reply: IntoTerm + FromTerm,
    S::Cast: IntoTerm + FromTerm,
    S::Info: IntoTerm + FromTerm,
{
    /// The codec of a server whose `Call`, `Reply`, `Cast` and `Info` each convert to terms
    /// and back ([`IntoTerm`], [`FromTerm`]; `Infallible` does, for a kind of message the
    /// server does not take). Both ways, because the same server type is the one other nodes
    /// call and the one this node calls on other nodes.
    ///
    /// ```
    /// use otp_core::gen_server::{GenServer, Init, RemoteCodec};
    /// use std::convert::Infallible;
    ///
    /// /// Takes a number and answers it doubled, from any node.
    /// #[derive(Debug)]
    /// struct Doubler;
    ///
    /// impl GenServer for Doubler {
    ///     type Arg = ();
    ///     type Call = i64;
    ///     type Reply = i64;
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Doubler)
    ///     }
    ///
    ///     fn remote() -> Option<RemoteCodec<Self>> {
    ///         Some(RemoteCodec::new())
    ///     }
    /// }
    /// # assert!(Doubler::remote().is_some());
    /// ```
    pub fn new() -> Self {
        RemoteCodec {
            call_from: S::Call::from_term,
            call_into: S::Call::into_term,
            reply_from: S::Reply::from_term,
            reply_into: S::Reply::into_term,
            cast_from: S::Cast::from_term,
            cast_into: S::Cast::into_term,
            info_from: S::Info::from_term,
            info_into: S::Info::into_term,
        }
    }
}

impl<S: GenServer> Default for RemoteCodec<S>
where
    S::Call: IntoTerm + FromTerm,
    S::Reply: IntoTerm + FromTerm,
    S::Cast: IntoTerm + FromTerm,
    S::Info: IntoTerm + FromTerm,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<S: GenServer> Clone for RemoteCodec<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: GenServer> Copy for RemoteCodec<S> {}

impl<S: GenServer> fmt::Debug for RemoteCodec<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RemoteCodec<{}>", type_name::<S>())
    }
}

/// How the default [`GenServer::child_spec`] starts its server: [`start_link`]`(arg,
/// Options::new())`, answering the new server's pid. Every GenServer has it; there is nothing
/// to implement.
///
/// It is a trait of its own so that the callbacks, here, need not name the start machinery,
/// which is built on them: the implementation for every server lives beside `start_link`.
///
/// [`start_link`]: crate::gen_server::start_link
pub trait StartLinked<A> {
    /// Starts the server linked to the caller, from its `init` argument.
    fn start_linked(arg: A) -> impl Future<Output = Result<Pid, StartError>> + Send + 'static;
}

/// Logs `msg` as a message `handle_info` did not expect, as Elixir's default `handle_info/2`
/// does: `<module> <name> received unexpected message in handle_info/2: <msg>`, where the name
/// is the server's registered name, or its pid when it has none.
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
        own_label(),
        format_info(msg)
    );
}

/// How Elixir's defaults name the calling server: its registered (local) name, else its pid.
fn own_label() -> String {
    let me = process::self_pid();
    match crate::process::registered_name(&me) {
        Some(name) => name.to_string(),
        None => me.to_string(),
    }
}

/// Formats an `Info` as Elixir prints the message behind it.
pub(super) fn format_info<I: fmt::Debug>(info: &Info<I>) -> String {
    match info {
        Info::Msg(m) => format!("{m:?}"),
        Info::Exit { from, reason } => format!("{{:EXIT, {from}, {reason}}}"),
        Info::Down(d) => d.to_string(),
        Info::NodeDown(node) => format!("{{:nodedown, {}}}", Term::Atom(node.clone())),
        Info::Timeout => ":timeout".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infallible_is_a_fine_message_type() {
        fn takes<T: Send + fmt::Debug + 'static>() {}
        takes::<std::convert::Infallible>();
    }

    #[test]
    fn info_prints_like_the_message_elixir_saw() {
        assert_eq!(format_info::<u8>(&Info::Timeout), ":timeout");
        assert_eq!(format_info(&Info::Msg("tick")), "\"tick\"");
    }
}
