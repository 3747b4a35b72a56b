//! The channel one call's reply travels on: a one-shot channel made for exactly one sender
//! (the server's [`Caller`](super::Caller)) and one receiver (the waiting `call`).
//!
//! It does what `tokio::sync::oneshot` does for a call with half the atomic read-modify-write
//! operations. A call round trip pays for every one of them, so this is worth its own code:
//! - no reference count: the cell is freed by whichever side leaves last, which the one state
//!   word tells;
//! - the receiver registers its waker with one `fetch_or`;
//! - the sender publishes the reply with one `fetch_or`, and leaves with another;
//! - a receiver woken by the reply finds the sender gone and frees the cell without any.
//!
//! Uses nothing else of the crate.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

/// The sender has decided: `VALUE` tells whether it sent a value or dropped without one.
const COMPLETE: usize = 1;
/// A value was written (set together with `COMPLETE`).
const VALUE: usize = 1 << 1;
/// The receiver's waker is in `waker`. While it is set and `COMPLETE` is not, only the sender
/// may take the waker (and only after setting `COMPLETE`); the receiver touches the slot again
/// only after clearing this bit with a compare-exchange that fails once `COMPLETE` is set.
const WAKER: usize = 1 << 2;
/// The sender is gone and never touches the cell again.
const TX_GONE: usize = 1 << 3;
/// The receiver is gone and never touches the cell again.
const RX_GONE: usize = 1 << 4;
/// Set with `RX_GONE` when the receiver took the value out.
const TAKEN: usize = 1 << 5;

struct Cell<T> {
    state: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
    waker: UnsafeCell<MaybeUninit<Waker>>,
}

/// The sending half: [`ReplySender::send`] it the reply, or drop it to tell the receiver none
/// will come. (Public only because the hidden `GenMsg` names it; it cannot be reached.)
pub struct ReplySender<T> {
    cell: NonNull<Cell<T>>,
}

/// The receiving half: poll it with [`ReplyReceiver::poll_reply`].
pub(crate) struct ReplyReceiver<T> {
    cell: NonNull<Cell<T>>,
    /// The value was taken out (the receiver's own record of it).
    taken: bool,
    /// The waker in the slot is the receiver's to drop: its last registration found the sender
    /// already complete, so the sender never saw it.
    waker_mine: bool,
}

// SAFETY: the halves hand a `T` from one thread to another (hence `T: Send`) and share the cell
// only through the state word's protocol above; a `Waker` is `Send + Sync`.
unsafe impl<T: Send> Send for ReplySender<T> {}
// SAFETY: as for the sender; a receiver is polled through `&mut`.
unsafe impl<T: Send> Send for ReplyReceiver<T> {}
// SAFETY: `&ReplySender` only reads the state word (`is_closed`).
unsafe impl<T: Send> Sync for ReplySender<T> {}
// SAFETY: `&ReplyReceiver` gives no access to the cell at all.
unsafe impl<T: Send> Sync for ReplyReceiver<T> {}

/// The receiver was told no reply will come: the sender was dropped without sending.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Closed;

/// A new channel for one reply.
pub(crate) fn channel<T>() -> (ReplySender<T>, ReplyReceiver<T>) {
    let cell = Box::new(Cell {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(MaybeUninit::uninit()),
        waker: UnsafeCell::new(MaybeUninit::uninit()),
    });
    let cell = NonNull::from(Box::leak(cell));
    (
        ReplySender { cell },
        ReplyReceiver {
            cell,
            taken: false,
            waker_mine: false,
        },
    )
}

impl<T> Cell<T> {
    /// Frees a cell both halves have left. `value_live`: a value was written and not taken.
    ///
    /// # Safety
    /// Called once, by the half that saw the other's `*_GONE` bit, with no waker left in the
    /// slot (each half disposes of the waker it owns before it leaves).
    unsafe fn free(cell: NonNull<Cell<T>>, value_live: bool) {
        // SAFETY: the caller is the last one holding the cell, made by `Box::leak` in `channel`.
        let mut cell = unsafe { Box::from_raw(cell.as_ptr()) };
        if value_live {
            // SAFETY: `VALUE` was set after the write, and nobody took it.
            unsafe { cell.value.get_mut().assume_init_drop() };
        }
    }
}

impl<T> ReplySender<T> {
    fn cell(&self) -> &Cell<T> {
        // SAFETY: the sender holds the cell until it sets `TX_GONE`, which only `finish` does,
        // consuming the sender.
        unsafe { self.cell.as_ref() }
    }

    /// Sends the reply; `false` if the receiver was already gone (the value is then dropped).
    pub(crate) fn send(self, value: T) -> bool {
        // SAFETY: the receiver reads the value only after seeing `COMPLETE | VALUE`, set below.
        unsafe { (*self.cell().value.get()).write(value) };
        self.finish(COMPLETE | VALUE)
    }

    /// The receiver is gone: nobody waits for a reply.
    pub(crate) fn is_closed(&self) -> bool {
        self.cell().state.load(Ordering::Acquire) & RX_GONE != 0
    }

    /// Publishes the decision (`COMPLETE`, with `VALUE` if one was written), wakes the receiver
    /// if it waits, and leaves the cell. `false` if the receiver had left before the decision.
    fn finish(self, decided: usize) -> bool {
        let cell = self.cell;
        std::mem::forget(self);
        // SAFETY: as in `cell()`: this half has not set `TX_GONE` yet.
        let c = unsafe { cell.as_ref() };
        let before = c.state.fetch_or(decided, Ordering::AcqRel);
        let received = before & RX_GONE == 0;
        let waker = (before & WAKER != 0).then(|| {
            // SAFETY: `WAKER` was set when `COMPLETE` went in, so the waker is this half's
            // now: the receiver no longer touches the slot (its compare-exchange fails).
            unsafe { (*c.waker.get()).assume_init_read() }
        });
        let before = c.state.fetch_or(TX_GONE, Ordering::AcqRel);
        if before & RX_GONE != 0 {
            let value_live = decided & VALUE != 0 && before & TAKEN == 0;
            // SAFETY: the receiver left first; the waker, if any, was taken above.
            unsafe { Cell::free(cell, value_live) };
            // Nobody waits: the waker is dropped without a wake-up.
            drop(waker);
        } else if let Some(waker) = waker {
            waker.wake();
        }
        received
    }
}

impl<T> Drop for ReplySender<T> {
    fn drop(&mut self) {
        let me = ReplySender { cell: self.cell };
        me.finish(COMPLETE);
    }
}

impl<T> ReplyReceiver<T> {
    fn cell(&self) -> &Cell<T> {
        // SAFETY: the receiver holds the cell until its drop.
        unsafe { self.cell.as_ref() }
    }

    /// The reply, `Err(Closed)` if the sender was dropped without one, or `Pending` with the
    /// task's waker left for the sender. Not polled again after `Ready`.
    pub(crate) fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, Closed>> {
        let mut state = self.cell().state.load(Ordering::Acquire);
        loop {
            if state & COMPLETE != 0 {
                // Both callers stop polling at `Ready`; a reply is read at most once.
                if state & VALUE == 0 || self.taken {
                    return Poll::Ready(Err(Closed));
                }
                self.taken = true;
                // SAFETY: `VALUE` is set (with release order, after the write): the value is
                // there, and only this half reads it, once.
                return Poll::Ready(Ok(unsafe { (*self.cell().value.get()).assume_init_read() }));
            }
            if state & WAKER != 0 {
                // SAFETY: `WAKER` was set and `COMPLETE` was not: the slot holds this half's
                // waker. A sender completing now may copy it out at the same time, but neither
                // side writes the slot, and `will_wake` only compares the wakers' pointers.
                let same =
                    unsafe { (*self.cell().waker.get()).assume_init_ref() }.will_wake(cx.waker());
                if same {
                    return Poll::Pending;
                }
                // Take the slot back; this fails if the sender completed meanwhile.
                match self.cell().state.compare_exchange(
                    state,
                    state & !WAKER,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => {
                        // SAFETY: the slot is this half's again (bit cleared, `COMPLETE` not
                        // set): drop the old waker before storing the new one.
                        unsafe { (*self.cell().waker.get()).assume_init_drop() };
                    }
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            // SAFETY: `WAKER` is clear: the sender does not read the slot.
            unsafe { (*self.cell().waker.get()).write(cx.waker().clone()) };
            let before = self.cell().state.fetch_or(WAKER, Ordering::AcqRel);
            if before & COMPLETE == 0 {
                self.waker_mine = false;
                return Poll::Pending;
            }
            // The sender completed before it could see the waker: the waker stays this half's.
            self.waker_mine = true;
            state = before | WAKER;
        }
    }
}

impl<T> Drop for ReplyReceiver<T> {
    fn drop(&mut self) {
        if self.waker_mine {
            // SAFETY: the sender completed without seeing this waker and never reads the slot.
            unsafe { (*self.cell().waker.get()).assume_init_drop() };
        }
        let state = self.cell().state.load(Ordering::Acquire);
        if state & TX_GONE != 0 {
            let value_live = state & VALUE != 0 && !self.taken;
            // SAFETY: the sender left for good (a plain load says so, no read-modify-write
            // needed); any waker it saw it took, and this half's own was dropped above.
            unsafe { Cell::free(self.cell, value_live) };
            return;
        }
        let gone = RX_GONE | if self.taken { TAKEN } else { 0 };
        let before = self.cell().state.fetch_or(gone, Ordering::AcqRel);
        if before & TX_GONE != 0 {
            let value_live = before & VALUE != 0 && !self.taken;
            // SAFETY: the sender left first, having taken any waker it saw.
            unsafe { Cell::free(self.cell, value_live) };
        }
        // Otherwise the sender frees the cell when it leaves; a waker it finds it drops.
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    /// Counts its wake-ups.
    #[derive(Default)]
    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<CountWakes>, Waker) {
        let count = Arc::new(CountWakes::default());
        (count.clone(), Waker::from(count))
    }

    /// A value that counts its drops, to show each reply is dropped exactly once.
    struct Counted(Arc<AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll<T>(rx: &mut ReplyReceiver<T>, waker: &Waker) -> Poll<Result<T, Closed>> {
        rx.poll_reply(&mut Context::from_waker(waker))
    }

    #[test]
    fn a_reply_sent_before_the_first_poll_is_there() {
        let (tx, mut rx) = channel();
        let (wakes, w) = waker();
        assert!(tx.send(7));
        assert_eq!(poll(&mut rx, &w), Poll::Ready(Ok(7)));
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_waiting_receiver_is_woken_once_by_the_reply() {
        let (tx, mut rx) = channel();
        let (wakes, w) = waker();
        assert_eq!(poll(&mut rx, &w), Poll::Pending);
        assert_eq!(poll(&mut rx, &w), Poll::Pending, "the same waker stays");
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
        assert!(tx.send("answer"));
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll(&mut rx, &w), Poll::Ready(Ok("answer")));
        assert_eq!(poll(&mut rx, &w), Poll::Ready(Err(Closed)), "read once");
    }

    #[test]
    fn a_new_waker_replaces_the_old_one() {
        let (tx, mut rx) = channel();
        let (first, w1) = waker();
        let (second, w2) = waker();
        assert_eq!(poll(&mut rx, &w1), Poll::Pending);
        assert_eq!(poll(&mut rx, &w2), Poll::Pending);
        // The old waker was dropped: only the test holds its counter now.
        assert_eq!(Arc::strong_count(&first), 2, "the test's two handles");
        drop(w1);
        assert_eq!(Arc::strong_count(&first), 1);
        assert!(tx.send(1));
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll(&mut rx, &w2), Poll::Ready(Ok(1)));
    }

    #[test]
    fn a_dropped_sender_closes_and_wakes() {
        let (tx, mut rx) = channel::<u8>();
        let (wakes, w) = waker();
        assert_eq!(poll(&mut rx, &w), Poll::Pending);
        drop(tx);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll(&mut rx, &w), Poll::Ready(Err(Closed)));
    }

    #[test]
    fn a_dropped_receiver_is_seen_and_the_reply_dropped() {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = channel();
        let (wakes, w) = waker();
        assert!(poll(&mut rx, &w).is_pending());
        assert!(!tx.is_closed());
        drop(rx);
        assert!(tx.is_closed());
        assert!(!tx.send(Counted(drops.clone())), "nobody receives it");
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0, "nobody to wake");
        // Every waker the cell held is gone with it.
        assert_eq!(Arc::strong_count(&wakes), 2);
    }

    #[test]
    fn every_order_of_leaving_drops_the_reply_once_and_leaks_no_waker() {
        for case in 0..6 {
            let drops = Arc::new(AtomicUsize::new(0));
            let (wakes, w) = waker();
            let (tx, mut rx) = channel();
            match case {
                // Sent, never read, receiver leaves last.
                0 => {
                    tx.send(Counted(drops.clone()));
                    drop(rx);
                }
                // Sent and read, the receiver having waited.
                1 => {
                    assert!(poll(&mut rx, &w).is_pending());
                    tx.send(Counted(drops.clone()));
                    assert!(matches!(poll(&mut rx, &w), Poll::Ready(Ok(_))));
                    drop(rx);
                }
                // Sent first, then read: the receiver finds the sender gone.
                2 => {
                    tx.send(Counted(drops.clone()));
                    assert!(matches!(poll(&mut rx, &w), Poll::Ready(Ok(_))));
                    drop(rx);
                }
                // Receiver waited, then left; the reply comes after.
                3 => {
                    assert!(poll(&mut rx, &w).is_pending());
                    drop(rx);
                    tx.send(Counted(drops.clone()));
                }
                // Nobody ever sends.
                4 => {
                    assert!(poll(&mut rx, &w).is_pending());
                    drop(tx);
                    drop(rx);
                    drops.fetch_add(1, Ordering::SeqCst);
                }
                // Receiver never polled, sender sends after it left.
                _ => {
                    drop(rx);
                    tx.send(Counted(drops.clone()));
                }
            }
            assert_eq!(drops.load(Ordering::SeqCst), 1, "case {case}");
            drop(w);
            assert_eq!(Arc::strong_count(&wakes), 1, "case {case}: a waker leaked");
        }
    }

    /// Sender and receiver on two threads, racing: every reply arrives exactly once, and every
    /// waiting receiver is woken.
    #[test]
    fn replies_cross_threads() {
        const ROUNDS: usize = 20_000;
        let drops = Arc::new(AtomicUsize::new(0));
        let (to_sender, from_receiver) = std::sync::mpsc::channel::<ReplySender<Counted>>();
        let sender_drops = drops.clone();
        let sender = std::thread::spawn(move || {
            for (i, tx) in from_receiver.iter().enumerate() {
                match i % 3 {
                    0 | 1 => {
                        tx.send(Counted(sender_drops.clone()));
                    }
                    _ => drop(tx),
                }
            }
        });
        let mut replies = 0;
        let mut closed = 0;
        for i in 0..ROUNDS {
            let (tx, mut rx) = channel();
            let (wakes, w) = waker();
            to_sender.send(tx).expect("sender thread runs");
            if i % 5 == 4 {
                // Leave without waiting for the answer.
                let _ = poll(&mut rx, &w);
                drop(rx);
                continue;
            }
            loop {
                let before = wakes.0.load(Ordering::SeqCst);
                match poll(&mut rx, &w) {
                    Poll::Ready(Ok(value)) => {
                        drop(value);
                        replies += 1;
                        break;
                    }
                    Poll::Ready(Err(Closed)) => {
                        closed += 1;
                        break;
                    }
                    Poll::Pending => {
                        // The sender wakes a waiting receiver: spin until it has (a lost
                        // wake-up fails the test instead of hanging it).
                        let give_up =
                            std::time::Instant::now() + std::time::Duration::from_secs(30);
                        while wakes.0.load(Ordering::SeqCst) == before {
                            assert!(std::time::Instant::now() < give_up, "round {i}: no wake-up");
                            std::hint::spin_loop();
                        }
                    }
                }
            }
        }
        drop(to_sender);
        sender.join().expect("sender thread ends");
        let waited = ROUNDS - ROUNDS / 5;
        assert_eq!(replies + closed, waited);
        // Every value sent was dropped once: by its receiver, or by the cell.
        let sent = (0..ROUNDS).filter(|i| i % 3 != 2).count();
        assert_eq!(drops.load(Ordering::SeqCst), sent);
    }
}
