//! Processes: spawn, send, receive, exit signals, links, monitors, names and introspection.
//!
//! A process is a tokio task with a mailbox and a separate signal path. The mailbox holds
//! messages in the order they were sent; exit signals do not queue behind them: a process that
//! is not trapping exits and receives `kill`, `shutdown` or any other abnormal reason stops at
//! its next await point, however long its mailbox is, and a panic in a process becomes its exit
//! reason instead of taking the program down.
//!
//! | Elixir                          | Rust                                          |
//! |---------------------------------|-----------------------------------------------|
//! | `spawn(fn -> ... end)`          | [`spawn`]`(\|mut inbox\| async move { ... })`  |
//! | `spawn_link/1`, `spawn_monitor/1`| [`spawn_link`], [`spawn_monitor`]            |
//! | `send(pid, msg)`                | [`send`]`(&addr, msg)`                         |
//! | `send(pid, term)` (any process, any node) | [`send_term`]`(&pid, term)`          |
//! | `receive do ... after t -> end` | `inbox.receive().await`, [`Mailbox::receive_timeout`] |
//! | `receive do {:answer, n} -> n end` (selective) | [`Mailbox::receive_match`]`(\|m\| matches!(m, Peek::Msg(..)))` |
//! | `self()`                        | [`self_pid`]                                   |
//! | `Process.alive?(pid)`           | [`Pid::is_alive`](crate::pid::Pid::is_alive)   |
//! | `Process.exit(pid, reason)`     | [`exit`]`(&pid, reason)`                       |
//! | `Process.link/1`, `unlink/1`    | [`link`], [`unlink`]                           |
//! | `Process.monitor/1`, `demonitor/2` | [`monitor`], [`demonitor`]                  |
//! | `Process.flag(:trap_exit, true)`| [`trap_exit`]`(true)`                          |
//! | `Process.register/2`, `whereis/1` | [`register`], [`whereis`]                    |
//! | `Process.info/1`                | [`info`]                                       |
//!
//! ```
//! use otp_core::process::{self, Received};
//! use otp_core::{Mailbox, Node};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let node = Node::new();
//! node.run(async {
//!     // A process that answers pings until it is told to stop.
//!     let echo = process::spawn(|mut inbox: Mailbox<(String, tokio::sync::oneshot::Sender<String>)>| async move {
//!         while let Received::Msg((text, reply)) = inbox.receive().await {
//!             let _ = reply.send(text.to_uppercase());
//!         }
//!     });
//!     let (tx, rx) = tokio::sync::oneshot::channel();
//!     process::send(&echo, ("hello".to_string(), tx));
//!     assert_eq!(rx.await.unwrap(), "HELLO");
//! })
//! .await
//! .unwrap();
//! # });
//! ```
//!
//! # Where things are
//!
//! One file per concern, each using only the ones listed before it (and the layers below
//! `process`: pids, the node, names; see `docs/ARCHITECTURE.md`):
//!
//! | file | holds |
//! |------|-------|
//! | `time.rs` | [`Timeout`], [`sleep`], the deadline timer a process reuses for its calls |
//! | `core.rs` | the per-process core: flags, links, monitors, names held, exit reason |
//! | `current_process.rs` | the process being polled: [`current`], [`self_pid`], [`current_node`] |
//! | `names.rs` | [`register`], [`whereis`], [`unregister`], [`registered`], [`send_named`] |
//! | `introspection.rs` | [`info`], [`message_queue_len`] |
//! | `signals.rs` | [`exit`], [`link`], [`monitor`], [`trap_exit`], and the exit delivery to links and monitors |
//! | `queue.rs` | the queue senders push into, shared with pids and handles |
//! | `addr.rs` | [`Addr`], [`send`], [`Pid::downcast`](crate::pid::Pid::downcast) |
//! | `mailbox.rs` | [`Mailbox`], [`Received`], [`Peek`] |
//! | `runner.rs` | the task a process runs in: polls, catches panics, reports the exit |
//! | `spawning.rs` | [`spawn`], [`spawn_link`], [`spawn_monitor`], [`Node::spawn`](crate::node::Node::spawn), [`Node::run`](crate::node::Node::run) |

mod addr;
mod core;
mod current_process;
mod introspection;
mod mailbox;
mod names;
mod queue;
mod runner;
mod signals;
mod spawning;
mod time;

pub use crate::message::{AnyMessage, SendError};
// Down is plain data and lives with the pids; it is documented here, beside Received.
#[doc(inline)]
pub use crate::pid::Down;

pub use self::addr::{Addr, send, send_term};
pub use self::current_process::{current, current_node, self_pid};
pub(crate) use self::introspection::registered_name;
pub use self::introspection::{ProcessInfo, Status, info, message_queue_len};
pub use self::mailbox::{Mailbox, Peek, Received};
pub use self::names::{RegisterError, register, registered, send_named, unregister, whereis};
pub use self::signals::{
    LinkError, demonitor, exit, exit_self, is_linked, link, monitor, trap_exit, unlink,
};
pub use self::spawning::{spawn, spawn_link, spawn_monitor};
pub use self::time::{Timeout, sleep};

#[cfg(feature = "dist")]
pub(crate) use self::current_process::node_in_scope;
pub(crate) use self::current_process::{poll_deadline, with_current};
pub(crate) use self::names::register_name;
pub(crate) use self::queue::{Signal, Slot};
// What the distribution runtime needs to stand in for processes of other nodes.
#[cfg(feature = "dist")]
pub(crate) use self::core::Core;
pub(crate) use self::queue::Shared;
#[cfg(test)]
pub(crate) use self::runner::run_probe;
#[cfg(feature = "dist")]
pub(crate) use self::signals::{
    add_monitor, deliver_exit_signal, fire_monitor, notify_exit, remove_monitor,
};
pub(crate) use self::signals::{
    exit_from, link_pair, on_exit, unlink_flush, unlink_pair, unwatch_exit, watch_exit,
};
pub(crate) use self::spawning::{SpawnOpts, create, launch, poll_as, prepare};
pub(crate) use self::time::with_timeout;
