//! Typed handles: [`Addr`], the sending end of a hand-made process, [`send`], and
//! [`Pid::downcast`], which recovers a handle from a plain pid.
//!
//! Uses the mailbox ([`super::mailbox`]), pids and the message errors.

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use crate::message::SendError;
use crate::pid::Pid;
use crate::term::IntoTerm;

use super::current_process::with_current;

use super::queue::{Shared, Slot};

/// A typed handle to a hand-made process whose messages are `M`: what [`spawn`] returns.
///
/// It prints as the process's pid, and sending through it costs no lookup.
///
/// [`spawn`]: fn@crate::process::spawn
pub struct Addr<M> {
    pub(crate) shared: Arc<Shared<M>>,
}

impl<M> Clone for Addr<M> {
    fn clone(&self) -> Self {
        Addr {
            shared: self.shared.clone(),
        }
    }
}

impl<M: Send + 'static> Addr<M> {
    /// The process's pid.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, Pid, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| async {});
    ///         let pid: Pid = worker.pid();
    ///         assert_eq!(pid.to_string(), "#PID<0.101.0>");
    ///         // The handle prints as its pid.
    ///         assert_eq!(worker.to_string(), pid.to_string());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        Pid {
            cell: self.shared.clone(),
        }
    }

    /// `true` until the process has exited.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| async {});
    ///         // Elixir: Process.alive?(pid)
    ///         assert!(worker.is_alive());
    ///         worker.pid().wait_exit().await;
    ///         assert!(!worker.is_alive());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn is_alive(&self) -> bool {
        !self.shared.core.is_dead()
    }

    /// Sends `msg`; a message to a dead process is dropped, as in OTP.
    ///
    /// ```
    /// use otp_core::{Console, Mailbox, Node, Received, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// let echo = node.spawn(|mut inbox: Mailbox<String>| async move {
    ///     if let Received::Msg(text) = inbox.receive().await {
    ///         io::puts(text);
    ///     }
    /// });
    /// // Elixir: send(pid, "hello")
    /// echo.send("hello".to_string());
    /// echo.pid().wait_exit().await;
    /// assert_eq!(console.contents(), "hello\n");
    /// // Sending to a process that has exited does nothing, as on the BEAM.
    /// echo.send("anyone there?".to_string());
    /// # });
    /// ```
    pub fn send(&self, msg: M) {
        let _ = self.shared.push(Slot::Msg(msg));
    }

    /// Sends `msg`, saying whether the process was alive to take it.
    ///
    /// ```
    /// use otp_core::process::SendError;
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|_inbox: Mailbox<u32>| async {});
    /// assert_eq!(worker.try_send(1), Ok(()));
    /// worker.pid().wait_exit().await;
    /// assert_eq!(worker.try_send(2), Err(SendError::NoProc));
    /// # });
    /// ```
    pub fn try_send(&self, msg: M) -> Result<(), SendError> {
        self.shared
            .push(Slot::Msg(msg))
            .map_err(|_| SendError::NoProc)
    }

    pub(crate) fn from_pid(pid: &Pid) -> Option<Self> {
        if pid.cell.message_type() != TypeId::of::<M>() {
            return None;
        }
        pid.cell
            .clone()
            .into_any()
            .downcast::<Shared<M>>()
            .ok()
            .map(|shared| Addr { shared })
    }
}

impl<M> PartialEq for Addr<M> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<M> Eq for Addr<M> {}

impl<M> fmt::Display for Addr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#PID<0.{}.0>", self.shared.core.id)
    }
}

impl<M> fmt::Debug for Addr<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<M: Send + 'static> From<&Addr<M>> for Pid {
    fn from(a: &Addr<M>) -> Pid {
        a.pid()
    }
}

impl<M: Send + 'static> From<Addr<M>> for Pid {
    fn from(a: Addr<M>) -> Pid {
        a.pid()
    }
}

/// The typed handle a plain pid stands for.
impl Pid {
    /// A typed handle to this process if its messages are of type `M`.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, Pid};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid: Pid = node.spawn(|_inbox: Mailbox<u32>| std::future::pending()).pid();
    /// // A plain pid (from a registry, say) back to a handle that can send.
    /// let addr = pid.downcast::<u32>().expect("its messages are u32");
    /// addr.send(7);
    /// assert!(pid.downcast::<String>().is_none());
    /// # });
    /// ```
    pub fn downcast<M: Send + 'static>(&self) -> Option<Addr<M>> {
        Addr::from_pid(self)
    }
}

/// `send(pid, msg)`: puts `msg` in the process's mailbox. Sending to a process that has exited
/// does nothing, as in OTP.
///
/// ```
/// use otp_core::{Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let (tx, rx) = tokio::sync::oneshot::channel();
///         let adder = process::spawn(move |mut inbox: Mailbox<(u32, u32)>| async move {
///             if let Received::Msg((a, b)) = inbox.receive().await {
///                 let _ = tx.send(a + b);
///             }
///         });
///         // Elixir: send(pid, {1, 2})
///         process::send(&adder, (1, 2));
///         assert_eq!(rx.await.unwrap(), 3);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn send<M: Send + 'static>(to: &Addr<M>, msg: M) {
    to.send(msg)
}

/// `send(pid, term)`: sends a message as a term, to a process of this node or of another one
/// (with the `dist` feature). A process of this node takes it if its messages are
/// [`Term`](crate::term::Term)s, or if it accepts terms
/// ([`Mailbox::accept_terms`](crate::Mailbox::accept_terms), or a GenServer that opts in to
/// remote messages); otherwise the message is dropped and the drop logged. As with
/// [`send`], a message to a process that has exited, or whose node cannot be reached, is
/// dropped.
///
/// ```
/// use otp_core::term::Term;
/// use otp_core::{Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let (tx, rx) = tokio::sync::oneshot::channel();
///         let echo = process::spawn(move |mut inbox: Mailbox<Term>| async move {
///             if let Received::Msg(term) = inbox.receive().await {
///                 let _ = tx.send(term.to_string());
///             }
///         });
///         // Elixir: send(pid, {:hello, 1})
///         process::send_term(&echo.pid(), (otp_core::Atom::from("hello"), 1));
///         assert_eq!(rx.await.unwrap(), "{:hello, 1}");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn send_term(to: &Pid, message: impl IntoTerm) {
    let message = message.into_term();
    match to.cell.remote() {
        Some(remote) => with_current(|me| remote.send(me, message)),
        None => {
            to.cell.push_term(message);
        }
    }
}
