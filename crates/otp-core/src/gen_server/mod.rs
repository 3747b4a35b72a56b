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
//! | `GenServer.call({name, node}, msg)`  | [`call`]`((name, node), msg)` (feature `dist`)  |
//! | `GenServer.multi_call(nodes, name, msg)` | `multi_call(nodes, name, msg, timeout)` (feature `dist`) |
//! | `:sys.get_state(server)`             | [`get_state`]`(server)`                         |
//! | `:sys.replace_state(server, fun)`    | [`replace_state`]`(server, fun)`                |
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
//!
//! # Which OTP
//!
//! The behaviour is gen_server's as OTP 26 and later define it, with Elixir's `use GenServer`
//! defaults. Where OTP 25 differs, this follows 26:
//!
//! - A failed `start_link` returns once the process is gone and its name free, and leaves no
//!   `{:EXIT, pid, reason}` in the mailbox of a caller that traps exits (OTP 26's proc_lib
//!   consumes it; OTP 25 left it there). See [`start_link`] for the one difference from the
//!   BEAM, for a caller that does not trap exits.
//! - The crash report is the one Elixir's Logger prints from gen_server's structured report:
//!   the client of a call by its registered name, whether it is alive, and `Last message: []`
//!   for a `GenServer.stop`.
//!
//! Other rules it keeps: a callback may raise an exit ([`crate::process::exit_self`]), which
//! the loop catches as gen_server catches `exit/1`; a server started without a link is its own
//! parent; a server's name is registered by the server itself, before `init`; a system message
//! ([`get_state`], [`replace_state`], [`inspect`]) whose function fails leaves the server and
//! its state as they were, and no system message cancels a callback's timeout; and `call`,
//! `stop` or `get_state` of the calling server itself fail at once with `calling_self`.
//!
//! A busy server shares its thread as a BEAM process shares its scheduler. The BEAM preempts a
//! process after a budget of reductions; a server here takes the messages already waiting one
//! after the other (and runs a chain of continues), without a trip through tokio's scheduler,
//! for a time slice of 100 µs (or 64 messages, if its handlers are slow), then yields to let
//! other tasks on its worker run. A
//! handler that blocks the thread is not preempted, on the BEAM's terms or tokio's: it should
//! await, or move blocking work to `tokio::task::spawn_blocking`.
//!
//! # Where things are
//!
//! One file per concern, each using only the ones listed before it (and the layers below
//! GenServer: processes, names, timers, child specs; see `docs/ARCHITECTURE.md`):
//!
//! | file | holds |
//! |------|-------|
//! | `error.rs` | [`CallError`], [`StopError`], [`WhereisError`] |
//! | `reply.rs` | the one-shot channel a call's reply travels on (fewer atomic operations than tokio's `oneshot`) |
//! | `caller.rs` | the server's side of a call: [`Caller`], [`ReplyTo`], [`reply`] |
//! | `behaviour.rs` | the [`GenServer`] trait and its response tuples, [`log_unexpected`] |
//! | `report.rs` | the crash report |
//! | `handle.rs` | [`ServerRef`] and the messages a server's mailbox holds |
//! | `dest.rs` | [`ToServer`], [`Dest`], [`RemoteDest`], [`whereis`], [`self_ref`] |
//! | `remote.rs` | servers across nodes (feature `dist`): the terms of calls, casts and replies |
//! | `client.rs` | [`call`], [`call_timeout`], [`cast`], [`send`], [`stop`], [`get_state`], [`replace_state`], [`inspect`], `multi_call` |
//! | `server_loop.rs` | the server process: `init`, the loop, `terminate` |
//! | `starting.rs` | [`Options`], [`start_link`], [`start`], [`start_on`] |

mod behaviour;
mod caller;
mod client;
mod dest;
mod error;
mod handle;
#[cfg(feature = "dist")]
mod remote;
mod reply;
mod report;
mod server_loop;
mod starting;

pub use crate::child_spec::StartError;

pub use self::behaviour::{
    CallResult, CastResult, GenServer, Info, Init, RemoteCodec, StartLinked, Then, log_unexpected,
};
pub use self::caller::RemoteFrom;
pub use self::caller::{Caller, ReplyTo, reply};
#[cfg(feature = "dist")]
pub use self::client::multi_call;
pub use self::client::{
    DEFAULT_CALL_TIMEOUT, call, call_timeout, cast, get_state, inspect, replace_state, send, stop,
};
pub use self::dest::{Dest, RemoteDest, Resolved, ToServer, self_ref, whereis};
pub use self::error::{CallError, StopError, WhereisError};
pub use self::handle::{GenMsg, ServerRef, SysFn};
pub use self::starting::{Options, start, start_link, start_on};
