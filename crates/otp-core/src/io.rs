//! The console: where processes print, and the hook a test uses to capture it.
//!
//! On the BEAM, `IO.puts` writes to the process's group leader, which the shell owns. Here
//! every [`crate::Node`] owns a [`Console`]: the standard output by default, or a buffer a test
//! reads back. [`puts`] writes to the console of the calling process's node, so a program's
//! own output, its servers' output and the runtime's log lines (see [`crate::logger`]) all land
//! in one place, in the order they happened.
//!
//! # Capturing what a program prints, in a test
//!
//! This is the one hook for it: give a node a [`Console::capture`] with
//! [`Node::with_console`](crate::Node::with_console), run the code under test on that node, and
//! read [`Console::contents`] (or [`Console::take`], part by part). Install
//! [`logger::init_console`](crate::logger::init_console) first and crash reports land there
//! too, where Elixir's Logger would print them. Each node has its own console, so tests running
//! in parallel each read only their own output.
//!
//! ```
//! use otp_core::{Console, Mailbox, Node, io, logger, process};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! logger::init_console();
//! let console = Console::capture();
//! let node = Node::with_console(console.clone());
//! node.run(async {
//!     io::puts("starting a worker");
//!     let worker = process::spawn(|_inbox: Mailbox<()>| async { panic!("oh snap") });
//!     worker.pid().wait_exit().await;
//!     io::puts("the worker is gone");
//! })
//! .await
//! .unwrap();
//! assert_eq!(
//!     console.contents(),
//!     "starting a worker\n\
//!      \n[error] Process #PID<0.101.0> raised an exception\n** (panic) oh snap\n\
//!      the worker is gone\n"
//! );
//! # });
//! ```

use std::fmt::Display;

pub use crate::console::Console;

/// The console of the calling process's node, or standard output outside any process.
///
/// ```
/// use otp_core::{Console, Node, io};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let captured = Console::capture();
/// let node = Node::with_console(captured.clone());
/// // Inside a process: its node's console (Elixir's group leader).
/// node.run(async { io::console().println("from a process") }).await.unwrap();
/// assert_eq!(captured.contents(), "from a process\n");
/// // Outside any process: standard output.
/// assert_eq!(format!("{:?}", io::console()), "Console(stdout)");
/// # });
/// ```
pub fn console() -> Console {
    crate::process::with_current(|p| p.map(|p| p.node().console().clone()))
        .unwrap_or_else(Console::stdout)
}

/// `IO.puts/1`: prints a line on the console of the calling process's node.
///
/// ```
/// use otp_core::{Console, Mailbox, Node, io, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let console = Console::capture();
/// Node::with_console(console.clone())
///     .run(async {
///         // Elixir: IO.puts("Alarm triggered!")
///         io::puts("Alarm triggered!");
///         // Every process of the node prints to the same console.
///         let child = process::spawn(|_inbox: Mailbox<()>| async { io::puts("from a child") });
///         child.pid().wait_exit().await;
///     })
///     .await
///     .unwrap();
/// assert_eq!(console.contents(), "Alarm triggered!\nfrom a child\n");
/// # });
/// ```
pub fn puts(line: impl Display) {
    console().println(line)
}
