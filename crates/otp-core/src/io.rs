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
use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::node::lock;

/// Where a node's processes print.
///
/// ```
/// use otp_core::{Console, Node, io};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let console = Console::capture();
/// let node = Node::with_console(console.clone());
/// node.run(async { io::puts("Alarm triggered!") }).await.unwrap();
/// assert_eq!(console.contents(), "Alarm triggered!\n");
/// # });
/// ```
#[derive(Clone)]
pub struct Console {
    inner: Arc<ConsoleInner>,
}

struct ConsoleInner {
    echo: bool,
    buffer: Option<Mutex<String>>,
}

impl Console {
    /// A console that writes to standard output.
    ///
    /// ```
    /// use otp_core::{Console, Node, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // What `Node::new()` uses.
    /// let console = Console::stdout();
    /// let node = Node::with_console(console.clone());
    /// node.run(async { io::puts("printed on the terminal") }).await.unwrap();
    /// assert_eq!(console.contents(), "", "nothing is kept");
    /// # });
    /// ```
    pub fn stdout() -> Self {
        Console {
            inner: Arc::new(ConsoleInner {
                echo: true,
                buffer: None,
            }),
        }
    }

    /// A console that keeps what is written, for a test to read.
    ///
    /// ```
    /// use otp_core::{Console, Node, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// node.run(async { io::puts("kept for the test") }).await.unwrap();
    /// assert_eq!(console.contents(), "kept for the test\n");
    /// # });
    /// ```
    pub fn capture() -> Self {
        Console {
            inner: Arc::new(ConsoleInner {
                echo: false,
                buffer: Some(Mutex::new(String::new())),
            }),
        }
    }

    /// A console that writes to standard output and also keeps a copy.
    ///
    /// ```
    /// use otp_core::{Console, Node, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::tee();
    /// let node = Node::with_console(console.clone());
    /// node.run(async { io::puts("seen and kept") }).await.unwrap();
    /// assert_eq!(console.contents(), "seen and kept\n");
    /// # });
    /// ```
    pub fn tee() -> Self {
        Console {
            inner: Arc::new(ConsoleInner {
                echo: true,
                buffer: Some(Mutex::new(String::new())),
            }),
        }
    }

    /// Writes `text` as it is.
    ///
    /// ```
    /// use otp_core::Console;
    ///
    /// // Elixir: IO.write("no newline")
    /// let console = Console::capture();
    /// console.write("no ");
    /// console.write("newline");
    /// assert_eq!(console.contents(), "no newline");
    /// ```
    pub fn write(&self, text: &str) {
        if let Some(buffer) = &self.inner.buffer {
            lock(buffer).push_str(text);
        }
        if self.inner.echo {
            // `print!` rather than a raw write, so that the test harness captures it.
            print!("{text}");
            let _ = std::io::stdout().flush();
        }
    }

    /// Writes `line` and a newline.
    ///
    /// ```
    /// use otp_core::{Atom, Console};
    ///
    /// let console = Console::capture();
    /// console.println(42);
    /// console.println(Atom::from("ok"));
    /// assert_eq!(console.contents(), "42\n:ok\n");
    /// ```
    pub fn println(&self, line: impl Display) {
        self.write(&format!("{line}\n"));
    }

    /// What was captured so far (empty for a console that only echoes).
    ///
    /// ```
    /// use otp_core::Console;
    ///
    /// let console = Console::capture();
    /// console.println("one");
    /// console.println("two");
    /// assert_eq!(console.contents(), "one\ntwo\n");
    /// assert_eq!(console.contents(), "one\ntwo\n", "reading leaves it in place");
    /// ```
    pub fn contents(&self) -> String {
        self.inner
            .buffer
            .as_ref()
            .map(|b| lock(b).clone())
            .unwrap_or_default()
    }

    /// Takes what was captured so far, leaving the buffer empty.
    ///
    /// ```
    /// use otp_core::Console;
    ///
    /// let console = Console::capture();
    /// console.println("first part");
    /// assert_eq!(console.take(), "first part\n");
    /// console.println("second part");
    /// assert_eq!(console.take(), "second part\n");
    /// ```
    pub fn take(&self) -> String {
        self.inner
            .buffer
            .as_ref()
            .map(|b| std::mem::take(&mut *lock(b)))
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.inner.buffer.is_some() {
            "Console(capture)"
        } else {
            "Console(stdout)"
        })
    }
}

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
