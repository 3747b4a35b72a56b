//! # otp-core: OTP on tokio
//!
//! An Erlang/OTP runtime for Rust, written to be read beside Elixir's documentation: every
//! name keeps its OTP meaning, and every Elixir response tuple has a Rust type that reads like
//! it.
//!
//! | OTP idea                        | here                                   |
//! |---------------------------------|----------------------------------------|
//! | node, pids                      | [`Node`], [`Pid`]                       |
//! | processes, links, monitors, exit signals | [`process`]                   |
//! | names: local, global, via       | [`Name`], [`Via`]                       |
//! | timers                          | [`timer`]                              |
//! | `IO.puts`, the group leader     | [`io`]                                 |
//! | Logger                          | [`logger`]                             |
//! | GenServer                       | [`gen_server`]                         |
//! | Supervisor, child specs         | [`supervisor`]                         |
//! | DynamicSupervisor               | [`dynamic_supervisor`]                 |
//! | Registry (and via names)        | [`registry`]                           |
//! | ETS tables                      | [`table`]                              |
//! | terms, `term_to_binary`         | [`term`]                               |
//! | distribution (feature `dist`): `Node.connect`, `{name, node}`, remote pids | `dist`, `Node::start_distributed` |
//! | Application                     | [`application`]                        |
//! | `:observer`: a supervision tree | [`observer`]                           |
//!
//! To change the runtime rather than use it, read `docs/ARCHITECTURE.md` in the repository:
//! the layers the modules form (each uses only the ones below it), what each module owns, and
//! the path of one `gen_server::call` and one crash through the files.
//!
//! Start a [`Node`], run a process on it, and everything inside uses that node:
//!
//! ```
//! use otp_core::{Mailbox, Node, process::{self, Received}};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let node = Node::new();
//! node.run(async {
//!     let child = process::spawn_link(|mut inbox: Mailbox<u32>| async move {
//!         let mut total = 0;
//!         while let Some(Received::Msg(n)) = inbox.receive_timeout(100).await {
//!             total += n;
//!         }
//!         assert_eq!(total, 6);
//!     });
//!     for n in 1..=3 {
//!         process::send(&child, n);
//!     }
//! })
//! .await
//! .unwrap();
//! # });
//! ```
#![warn(missing_docs)]

pub mod application;
mod atom;
mod child_spec;
mod console;
#[cfg(feature = "dist")]
pub mod dist;
pub mod dynamic_supervisor;
pub mod exit;
pub mod gen_server;
mod hash;
pub mod io;
pub mod logger;
mod message;
pub mod name;
pub mod node;
pub mod observer;
mod panic;
pub mod pid;
pub mod process;
pub mod registry;
pub mod signal;
pub mod supervisor;
mod sync;
pub mod table;
pub mod term;
pub mod timer;

pub use exit::{Atom, ExitReason};
pub use gen_server::{GenServer, ServerRef};
pub use io::Console;
pub use name::{Name, Via};
pub use node::Node;
pub use pid::{MonitorRef, Pid};
pub use process::{Addr, Down, Mailbox, Peek, Received, Timeout};
