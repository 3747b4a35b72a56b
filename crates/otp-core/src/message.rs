//! Messages on their way to a process whose message type the sender does not know:
//! [`AnyMessage`], and [`SendError`], why a delivery failed.
//!
//! A via registry (see [`crate::name::Via`]) finds a pid, not a typed handle, so a send through
//! a via name carries its message with the type erased; delivery checks it against the
//! process's message type. Both types are public as `otp_core::process::{AnyMessage,
//! SendError}`.
//!
//! Uses pids ([`crate::pid`]), whose [`Cell`](crate::pid::Cell) does the delivering.

use std::any::{Any, TypeId, type_name};
use std::fmt;

use crate::pid::Pid;

/// Why a message could not be delivered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The process is not alive, or no process has the name.
    #[error("no process: the process is not alive or no process is registered under the name")]
    NoProc,
    /// The process takes messages of another type.
    #[error("{pid} takes messages of type {expected}, not {given}")]
    WrongType {
        /// The process.
        pid: Pid,
        /// Its message type.
        expected: &'static str,
        /// The type that was sent.
        given: &'static str,
    },
    /// A message for a process of another node must be a term (`otp_core::term::Term`).
    #[error("a message for another node must be a Term, not a {given}")]
    NotATerm {
        /// The type that was sent.
        given: &'static str,
    },
}

/// A message whose type has been erased, ready to be delivered to any process that takes it.
/// [`crate::Via::send`] receives one.
pub struct AnyMessage {
    msg: Box<dyn Any + Send>,
    type_id: TypeId,
    type_name: &'static str,
}

impl AnyMessage {
    /// Wraps a message for a hand-made process whose messages are `M`.
    ///
    /// ```
    /// use otp_core::process::{self, AnyMessage, SendError};
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<u32>| std::future::pending());
    ///         // A `u32` reaches a process that takes `u32`...
    ///         assert_eq!(AnyMessage::new(7u32).deliver(&worker.pid()), Ok(()));
    ///         assert_eq!(process::message_queue_len(&worker), 1);
    ///         // ...and is refused by a process that takes something else.
    ///         let refused = AnyMessage::new("seven").deliver(&worker.pid());
    ///         assert!(matches!(refused, Err(SendError::WrongType { expected: "u32", .. })));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn new<M: Send + 'static>(msg: M) -> Self {
        AnyMessage {
            msg: Box::new(msg),
            type_id: TypeId::of::<M>(),
            type_name: type_name::<M>(),
        }
    }

    /// Delivers the message to `pid`.
    ///
    /// ```
    /// use otp_core::process::{self, AnyMessage, SendError};
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let done = process::spawn(|_inbox: Mailbox<u32>| async {});
    ///         done.pid().wait_exit().await;
    ///         // Unlike a plain send, delivery says when nobody was there to take the message.
    ///         assert_eq!(AnyMessage::new(1u32).deliver(&done.pid()), Err(SendError::NoProc));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn deliver(self, pid: &Pid) -> Result<(), SendError> {
        if pid.cell.message_type() != self.type_id {
            return Err(SendError::WrongType {
                pid: pid.clone(),
                expected: pid.cell.message_type_name(),
                given: self.type_name,
            });
        }
        if pid.cell.push_any(self.msg) {
            Ok(())
        } else {
            Err(SendError::NoProc)
        }
    }
}

impl fmt::Debug for AnyMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AnyMessage")
    }
}
