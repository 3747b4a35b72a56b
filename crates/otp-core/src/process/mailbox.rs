//! The mailbox: the process's own end of its queue, [`Mailbox`], which receives in order or
//! selectively, and [`Received`] and [`Peek`], what a process finds in it.
//!
//! Uses the shared half ([`super::queue`]), typed handles ([`super::addr`]), the core,
//! timeouts ([`super::time`]), pids and exit reasons.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::node::Node;
use crate::pid::{Cell, Down, Pid};
use crate::sync::lock;
use crate::term::{FromTerm, Term, TermError};

use super::addr::Addr;
use super::queue::{Shared, Signal, Slot};
use super::time::{Timeout, with_timeout};

/// What a hand-made process receives: a message of its own type, or one of the two kinds of
/// message the runtime delivers.
#[derive(Debug)]
pub enum Received<M> {
    /// A message sent with [`send`](fn@crate::process::send).
    Msg(M),
    /// `{:EXIT, from, reason}`: an exit signal, delivered as a message because the process traps
    /// exits (see [`trap_exit`](crate::process::trap_exit)).
    Exit {
        /// The process the signal came from.
        from: Pid,
        /// The reason it carried.
        reason: ExitReason,
    },
    /// `{:DOWN, ref, :process, pid, reason}`: a monitored process is gone.
    Down(Down),
    /// `{:nodedown, node}`: the connection to a node this process monitors is lost (see
    /// `dist::monitor_node`, with the `dist` feature).
    NodeDown(Atom),
}

/// A look at a message still waiting in a mailbox, without taking it: what the predicate of
/// [`Mailbox::receive_match`] sees. The same three cases as [`Received`], borrowed.
#[derive(Debug)]
pub enum Peek<'a, M> {
    /// A message sent with [`send`](fn@crate::process::send).
    Msg(&'a M),
    /// `{:EXIT, from, reason}` (see [`Received::Exit`]).
    Exit {
        /// The process the signal came from.
        from: &'a Pid,
        /// The reason it carried.
        reason: &'a ExitReason,
    },
    /// `{:DOWN, ref, :process, pid, reason}` (see [`Received::Down`]).
    Down(&'a Down),
    /// `{:nodedown, node}` (see [`Received::NodeDown`]).
    NodeDown(&'a Atom),
}

impl<M> Slot<M> {
    #[inline]
    fn into_received(self) -> Received<M> {
        match self {
            Slot::Msg(msg) => Received::Msg(msg),
            Slot::Signal(signal) => match *signal {
                Signal::Exit { from, reason } => Received::Exit { from, reason },
                Signal::Down(down) => Received::Down(down),
                Signal::NodeDown(node) => Received::NodeDown(node),
            },
        }
    }

    fn peek(&self) -> Peek<'_, M> {
        match self {
            Slot::Msg(msg) => Peek::Msg(msg),
            Slot::Signal(signal) => match &**signal {
                Signal::Exit { from, reason } => Peek::Exit { from, reason },
                Signal::Down(down) => Peek::Down(down),
                Signal::NodeDown(node) => Peek::NodeDown(node),
            },
        }
    }
}

/// A process's own end of its mailbox: what a hand-made process receives from.
///
/// Messages arrive in the order they were sent by any one sender. Receiving takes them in
/// order; [`Mailbox::receive_match`] takes the first one a predicate accepts and leaves the
/// others in place, as Erlang's selective `receive` does.
pub struct Mailbox<M> {
    shared: Arc<Shared<M>>,
    local: VecDeque<Slot<M>>,
}

impl<M: Send + 'static> Mailbox<M> {
    pub(crate) fn new(shared: Arc<Shared<M>>) -> Self {
        Mailbox {
            shared,
            local: VecDeque::new(),
        }
    }

    /// A handle to this process.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     // A process can hand out its own typed handle, or send to itself.
    ///     let me = inbox.addr();
    ///     me.send(7);
    ///     assert!(matches!(inbox.receive().await, Received::Msg(7)));
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn addr(&self) -> Addr<M> {
        Addr {
            shared: self.shared.clone(),
        }
    }

    /// This process's pid.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|inbox: Mailbox<u32>| async move {
    ///     // Elixir: self()
    ///     assert_eq!(inbox.pid(), process::self_pid());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        self.addr().pid()
    }

    /// Lets this process take messages sent as terms: from processes of other nodes, and
    /// through [`send_term`](crate::process::send_term). Each term is read as an `M` with
    /// [`FromTerm`]; one that does not convert is dropped and logged (never a crash of this
    /// process). A process whose messages are [`Term`]s takes terms without asking.
    /// Returns `false` if terms were already accepted.
    ///
    /// ```
    /// use otp_core::term::{FromTerm, Term, TermError};
    /// use otp_core::{ExitReason, Mailbox, Node, Received, process};
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct Add(i64);
    ///
    /// impl FromTerm for Add {
    ///     fn from_term(term: Term) -> Result<Self, TermError> {
    ///         match term.as_tuple() {
    ///             Some([tag, n]) if tag.is_atom("add") => Ok(Add(i64::from_term(n.clone())?)),
    ///             _ => Err(TermError::new("{:add, n}", &term)),
    ///         }
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let adder = node.spawn(|mut inbox: Mailbox<Add>| async move {
    ///     assert!(inbox.accept_terms());
    ///     assert!(matches!(inbox.receive().await, Received::Msg(Add(2))));
    /// });
    /// node.run(async move {
    ///     // A term that is not an Add is dropped (and logged); the Add goes through.
    ///     process::send_term(&adder.pid(), Term::atom("hello"));
    ///     process::send_term(&adder.pid(), Term::tuple([Term::atom("add"), Term::Int(2)]));
    ///     assert_eq!(adder.pid().wait_exit().await, ExitReason::Normal);
    /// })
    /// .await
    /// .unwrap();
    /// # });
    /// ```
    pub fn accept_terms(&mut self) -> bool
    where
        M: FromTerm,
    {
        self.shared.set_term_sink(read_term::<M>)
    }

    /// Says whether the process started (see `Core::ack_start`): the runtime's own start
    /// handshake, which a GenServer's starter waits on.
    pub(crate) fn ack_start(&self, result: Result<(), Box<dyn std::any::Any + Send>>) {
        self.shared.core.ack_start(result);
    }

    /// An exit signal has decided this process must die (it will at its next await point).
    pub(crate) fn exit_pending(&self) -> bool {
        self.shared.core.exit_pending()
    }

    /// Moves everything sent so far into the private buffer. Returns `true` if it moved any;
    /// otherwise, given a context, leaves the task's waker for the next sender to wake.
    fn refill(&mut self, cx: Option<&Context<'_>>) -> bool {
        let mut q = lock(&self.shared.queue);
        if q.items.is_empty() {
            if let Some(cx) = cx {
                match &q.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => q.waker = Some(cx.waker().clone()),
                }
            }
            return false;
        }
        if self.local.is_empty() {
            std::mem::swap(&mut self.local, &mut q.items);
        } else {
            self.local.extend(q.items.drain(..));
        }
        // Busy now: a sender need not wake this task, which looks again before it waits.
        let stale = q.waker.take();
        drop(q);
        drop(stale);
        true
    }

    fn publish_len(&self) {
        self.shared.core.local_len.store(
            u32::try_from(self.local.len()).unwrap_or(u32::MAX),
            Ordering::Relaxed,
        );
    }

    /// Drops a Down message whose monitor was removed with `flush`.
    #[inline]
    fn is_flushed(&self, item: &Slot<M>) -> bool {
        item.down_reference()
            .is_some_and(|reference| self.shared.core.down_taken(reference))
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Received<M>> {
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        loop {
            if let Some(item) = self.local.pop_front() {
                self.publish_len();
                if self.is_flushed(&item) {
                    continue;
                }
                coop.made_progress();
                return Poll::Ready(item.into_received());
            }
            if !self.refill(Some(cx)) {
                return Poll::Pending;
            }
        }
    }

    /// The next message, or `Pending` with the task's waker left for the next sender: one
    /// look at the shared queue either way. Unlike [`Mailbox::receive`] it does not count
    /// against tokio's cooperative budget, so a caller that loops on it must yield on its own
    /// (the GenServer loop does, once per time slice). The message comes as it waited, in its
    /// [`Slot`]: a third of the size of a [`Received`], and moved once per message.
    #[inline]
    pub(crate) fn poll_slot(&mut self, cx: &mut Context<'_>) -> Poll<Slot<M>> {
        loop {
            if let Some(item) = self.local.pop_front() {
                self.publish_len();
                if self.is_flushed(&item) {
                    continue;
                }
                return Poll::Ready(item);
            }
            if !self.refill(Some(cx)) {
                return Poll::Pending;
            }
        }
    }

    /// Waits for the next message.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<&'static str>| async move {
    ///     // Elixir: receive do msg -> msg end
    ///     match inbox.receive().await {
    ///         Received::Msg(text) => assert_eq!(text, "ping"),
    ///         other => panic!("expected a message, got {other:?}"),
    ///     }
    /// });
    /// worker.send("ping");
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive(&mut self) -> Received<M> {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    /// Waits at most `timeout` for the next message (`receive ... after t -> ... end`);
    /// `None` if nothing came.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     // Elixir: receive do n -> n after 1000 -> :timeout end
    ///     assert!(matches!(inbox.receive_timeout(1000).await, Some(Received::Msg(1))));
    ///     assert!(inbox.receive_timeout(1000).await.is_none());
    /// });
    /// worker.send(1);
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive_timeout(&mut self, timeout: impl Into<Timeout>) -> Option<Received<M>> {
        with_timeout(timeout.into(), self.receive()).await
    }

    /// The next message, if one is already waiting.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     // Elixir: receive do n -> n after 0 -> nil end
    ///     assert!(inbox.try_receive().is_none());
    ///     inbox.addr().send(1);
    ///     assert!(matches!(inbox.try_receive(), Some(Received::Msg(1))));
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn try_receive(&mut self) -> Option<Received<M>> {
        loop {
            let item = match self.local.pop_front() {
                Some(item) => item,
                None => {
                    if !self.refill(None) {
                        return None;
                    }
                    continue;
                }
            };
            self.publish_len();
            if !self.is_flushed(&item) {
                return Some(item.into_received());
            }
        }
    }

    /// Takes every message waiting now (IEx's `flush/0`, returned rather than printed).
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Received};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     for n in 1..=3 {
    ///         inbox.addr().send(n);
    ///     }
    ///     // IEx: flush()
    ///     let numbers: Vec<u32> = inbox
    ///         .flush()
    ///         .into_iter()
    ///         .filter_map(|m| match m {
    ///             Received::Msg(n) => Some(n),
    ///             _ => None,
    ///         })
    ///         .collect();
    ///     assert_eq!(numbers, [1, 2, 3]);
    ///     assert!(inbox.is_empty());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn flush(&mut self) -> Vec<Received<M>> {
        std::iter::from_fn(|| self.try_receive()).collect()
    }

    /// Selective receive: waits for the first message `accept` returns `true` for, leaving every
    /// other message in the mailbox, in order. The predicate looks at each waiting message
    /// through a [`Peek`], the borrowed form of [`Received`].
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Peek, Received};
    ///
    /// #[derive(Debug)]
    /// enum Msg {
    ///     Chatter(u32),
    ///     Answer(u32),
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<Msg>| async move {
    ///     inbox.addr().send(Msg::Chatter(1));
    ///     inbox.addr().send(Msg::Answer(42));
    ///     // Elixir: receive do {:answer, n} -> n end
    ///     let answer = inbox.receive_match(|m| matches!(m, Peek::Msg(Msg::Answer(_)))).await;
    ///     assert!(matches!(answer, Received::Msg(Msg::Answer(42))));
    ///     // The chatter was skipped, not lost: it is still first in line.
    ///     assert!(matches!(inbox.try_receive(), Some(Received::Msg(Msg::Chatter(1)))));
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive_match(
        &mut self,
        mut accept: impl FnMut(Peek<'_, M>) -> bool,
    ) -> Received<M> {
        let mut scanned = 0;
        poll_fn(|cx| {
            loop {
                while scanned < self.local.len() {
                    if accept(self.local[scanned].peek()) {
                        let item = self.local.remove(scanned).expect("index checked above");
                        self.publish_len();
                        if self.is_flushed(&item) {
                            continue;
                        }
                        return Poll::Ready(item.into_received());
                    }
                    scanned += 1;
                }
                if !self.refill(Some(cx)) {
                    return Poll::Pending;
                }
                self.publish_len();
            }
        })
        .await
    }

    /// Selective receive with a timeout (`receive ... after t -> ... end`): the first message
    /// `accept` returns `true` for, or `None` if none came in time; other messages stay.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, Peek};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     inbox.addr().send(1);
    ///     // Elixir: receive do 2 -> :two after 500 -> :none end
    ///     let two = inbox.receive_match_timeout(|m| matches!(m, Peek::Msg(2)), 500).await;
    ///     assert!(two.is_none());
    ///     assert_eq!(inbox.len(), 1, "the 1 is still waiting");
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub async fn receive_match_timeout(
        &mut self,
        accept: impl FnMut(Peek<'_, M>) -> bool,
        timeout: impl Into<Timeout>,
    ) -> Option<Received<M>> {
        with_timeout(timeout.into(), self.receive_match(accept)).await
    }

    /// Messages waiting, counted as `Process.info(pid, :message_queue_len)` counts them.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     inbox.addr().send(1);
    ///     inbox.addr().send(2);
    ///     // Elixir: Process.info(self(), :message_queue_len)
    ///     assert_eq!(inbox.len(), 2);
    ///     inbox.receive().await;
    ///     assert_eq!(inbox.len(), 1);
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn len(&self) -> usize {
        self.local.len() + lock(&self.shared.queue).items.len()
    }

    /// `true` if no message is waiting.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|inbox: Mailbox<u32>| async move {
    ///     assert!(inbox.is_empty());
    ///     inbox.addr().send(1);
    ///     assert!(!inbox.is_empty());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Releases spare capacity (what `:hibernate` amounts to on tokio).
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|mut inbox: Mailbox<u32>| async move {
    ///     for n in 0..1000 {
    ///         inbox.addr().send(n);
    ///     }
    ///     inbox.flush();
    ///     // After a burst, give back the room the queue grew to.
    ///     inbox.shrink();
    ///     assert!(inbox.is_empty());
    /// });
    /// assert_eq!(worker.pid().wait_exit().await, ExitReason::Normal);
    /// # });
    /// ```
    pub fn shrink(&mut self) {
        self.local.shrink_to_fit();
        self.shared.shrink_mailbox();
    }
}

/// The term sink of a mailbox that accepts terms.
fn read_term<M: FromTerm>(_node: &Node, _id: u64, term: Term) -> Result<M, TermError> {
    M::from_term(term)
}

impl<M> fmt::Debug for Mailbox<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mailbox(#PID<0.{}.0>)", self.shared.core.id)
    }
}
