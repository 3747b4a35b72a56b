//! The shared half of a process: the queue that senders push into and the process's
//! [`Core`], in one allocation. Typed handles ([`super::addr`]) and pids hold it; it implements
//! [`Cell`], the view a pid has of a process.
//!
//! Uses the core ([`super::core`]), pids and exit reasons.

use std::any::{Any, TypeId, type_name};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::task::Waker;

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::node::Node;
use crate::pid::{Cell, Down, Pid};
use crate::sync::lock;
use crate::term::{Term, TermError};

use super::core::{CLOSED, Core};

/// How a message waits in a mailbox. The process's own messages are stored inline and the
/// runtime's (exit signals, Downs) boxed: those are rare, and a slot is then no larger than the
/// process's own message type needs. Every message is moved in and out of its slot, and a busy
/// mailbox holds many of them, so the slot's size shows directly in throughput.
pub(crate) enum Slot<M> {
    Msg(M),
    Signal(Box<Signal>),
}

/// A message the runtime delivers (see [`Slot`]).
pub(crate) enum Signal {
    Exit {
        from: Pid,
        reason: ExitReason,
    },
    Down(Down),
    #[cfg_attr(not(feature = "dist"), allow(dead_code))]
    NodeDown(Atom),
}

impl<M> Slot<M> {
    /// The monitor reference of a Down message.
    #[inline]
    pub(super) fn down_reference(&self) -> Option<u64> {
        match self {
            Slot::Signal(signal) => match &**signal {
                Signal::Down(down) => Some(down.reference.id),
                Signal::Exit { .. } | Signal::NodeDown(_) => None,
            },
            Slot::Msg(_) => None,
        }
    }
}

pub(crate) struct Shared<M> {
    pub(crate) core: Core,
    pub(super) queue: Mutex<Queue<M>>,
    // How a term becomes a message of type `M`, once the process takes terms (see
    // `set_term_sink` and `Cell::push_term`), is kept with the core's rarely used parts: few
    // processes take terms, and a slot here would cost every process 16 bytes.
}

/// Reads a term as a message of a process's type. It is given the process's node and number,
/// which a GenServer's sink needs to answer a request that does not convert.
pub(crate) type TermSink<M> = fn(&Node, u64, Term) -> Result<M, TermError>;

pub(super) struct Queue<M> {
    pub(super) items: VecDeque<Slot<M>>,
    /// The receiver's waker, present only while it waits on an empty mailbox.
    pub(super) waker: Option<Waker>,
    // Whether the mailbox is closed is the core's `CLOSED` flag, set and read under this
    // queue's lock: a bool here would cost 8 bytes of padding in every process.
}

impl<M: Send + 'static> Shared<M> {
    /// A process's shared half, its mailbox empty.
    pub(super) fn new(core: Core) -> Self {
        Shared {
            core,
            queue: Mutex::new(Queue {
                items: VecDeque::new(),
                waker: None,
            }),
        }
    }

    /// Gives the process its way of reading terms as messages; `false` if it had one already.
    /// A process whose messages are terms needs none.
    pub(crate) fn set_term_sink(&self, sink: TermSink<M>) -> bool {
        let mut inner = lock(&self.core.inner);
        let extras = inner.extras();
        if extras.term_sink.is_some() {
            return false;
        }
        extras.term_sink = Some(Box::new(sink));
        true
    }

    /// The process's way of reading terms, if it has one.
    fn term_sink(&self) -> Option<TermSink<M>> {
        let inner = lock(&self.core.inner);
        let sink = inner.extras_ref()?.term_sink.as_ref()?;
        // Only `set_term_sink` of this `Shared<M>` stores it, always as a `TermSink<M>`.
        sink.downcast_ref::<TermSink<M>>().copied()
    }

    #[inline]
    pub(crate) fn push(&self, item: Slot<M>) -> Result<(), Slot<M>> {
        let waiting = {
            let mut q = lock(&self.queue);
            // Set under this lock (`close_mailbox`).
            if self.core.flags.load(Ordering::Relaxed) & CLOSED != 0 {
                return Err(item);
            }
            q.items.push_back(item);
            q.waker.take()
        };
        if let Some(waker) = waiting {
            waker.wake();
        }
        Ok(())
    }
}

impl<M: Send + 'static> Cell for Shared<M> {
    fn id(&self) -> u64 {
        self.core.id
    }

    fn node_id(&self) -> u64 {
        self.core.node.id()
    }

    fn is_dead(&self) -> bool {
        self.core.is_dead()
    }

    fn state(&self) -> &(dyn Any + Send + Sync) {
        &self.core
    }

    fn push_any(&self, msg: Box<dyn Any + Send>) -> bool {
        match msg.downcast::<M>() {
            Ok(msg) => self.push(Slot::Msg(*msg)).is_ok(),
            // The caller compares the types first (`AnyMessage::deliver`): not reached.
            Err(_) => false,
        }
    }

    fn push_exit(&self, from: Pid, reason: ExitReason) {
        let _ = self.push(Slot::Signal(Box::new(Signal::Exit { from, reason })));
    }

    fn push_down(&self, down: Down) {
        let _ = self.push(Slot::Signal(Box::new(Signal::Down(down))));
    }

    fn push_node_down(&self, node: Atom) {
        let _ = self.push(Slot::Signal(Box::new(Signal::NodeDown(node))));
    }

    fn remove_down(&self, reference: u64) -> bool {
        let mut q = lock(&self.queue);
        let found = q
            .items
            .iter()
            .position(|item| item.down_reference() == Some(reference));
        match found {
            Some(i) => {
                q.items.remove(i);
                true
            }
            None => false,
        }
    }

    fn remove_exit(&self, from: &Pid) -> bool {
        let mut q = lock(&self.queue);
        let found = q.items.iter().position(|item| match item {
            Slot::Signal(signal) => matches!(&**signal, Signal::Exit { from: f, .. } if f == from),
            Slot::Msg(_) => false,
        });
        match found {
            Some(i) => {
                q.items.remove(i);
                true
            }
            None => false,
        }
    }

    fn queue_len(&self) -> usize {
        lock(&self.queue).items.len() + self.core.local_len.load(Ordering::Relaxed) as usize
    }

    fn close_mailbox(&self) {
        let (items, waker) = {
            let mut q = lock(&self.queue);
            self.core.flags.fetch_or(CLOSED, Ordering::Relaxed);
            (std::mem::take(&mut q.items), q.waker.take())
        };
        drop(items);
        drop(waker);
    }

    fn shrink_mailbox(&self) {
        lock(&self.queue).items.shrink_to_fit();
    }

    fn message_type(&self) -> TypeId {
        TypeId::of::<M>()
    }

    fn message_type_name(&self) -> &'static str {
        type_name::<M>()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn push_term(&self, message: Term) -> bool {
        if TypeId::of::<M>() == TypeId::of::<Term>() {
            let message: Box<dyn Any + Send> = Box::new(message);
            return match message.downcast::<M>() {
                Ok(message) => self.push(Slot::Msg(*message)).is_ok(),
                // The types were compared just above.
                Err(_) => false,
            };
        }
        let Some(sink) = self.term_sink() else {
            tracing::warn!(
                target: "otp::dist",
                "#PID<0.{}.0> takes messages of type {}, which it does not read from terms: \
                 dropped {message}",
                self.core.id,
                type_name::<M>()
            );
            return false;
        };
        let node = &self.core.node;
        match super::current_process::reading_for(node, || sink(node, self.core.id, message)) {
            Ok(message) => self.push(Slot::Msg(message)).is_ok(),
            Err(error) => {
                tracing::warn!(
                    target: "otp::dist",
                    "#PID<0.{}.0> dropped a message that is not a {}: {error}",
                    self.core.id,
                    type_name::<M>()
                );
                false
            }
        }
    }
}
