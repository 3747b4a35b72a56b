//! Timers under a paused clock: nothing here waits in real time.

use std::time::Duration;

use otp_core::{Mailbox, Node, Received, timer};
use tokio::sync::oneshot;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn send_after_arrives_when_due() {
    let node = Node::new();
    let start = Instant::now();
    let (tx, rx) = oneshot::channel();
    let addr = node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
        let Received::Msg(m) = inbox.receive().await else {
            unreachable!()
        };
        tx.send((m, Instant::now() - start)).unwrap();
    });
    timer::send_after(&addr, "hi", 2000);
    let (msg, waited) = rx.await.unwrap();
    assert_eq!(msg, "hi");
    assert_eq!(waited, Duration::from_millis(2000));
}

#[tokio::test(start_paused = true)]
async fn cancel_returns_the_time_left_or_none_once_fired() {
    let node = Node::new();
    let addr = node.spawn(|mut inbox: Mailbox<u8>| async move {
        let _ = inbox.receive_timeout(10_000).await;
    });
    let t = timer::send_after(&addr, 1, 5000);
    tokio::time::advance(Duration::from_millis(1500)).await;
    assert_eq!(timer::read_timer(&t), Some(Duration::from_millis(3500)));
    assert_eq!(timer::cancel_timer(&t), Some(Duration::from_millis(3500)));
    assert_eq!(timer::cancel_timer(&t), None, "already cancelled");
    assert_eq!(timer::read_timer(&t), None);

    let fired = timer::send_after(&addr, 2, 100);
    for _ in 0..100 {
        if timer::read_timer(&fired).is_none() {
            break;
        }
        tokio::time::advance(Duration::from_millis(10)).await;
    }
    assert_eq!(timer::cancel_timer(&fired), None, "already fired");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_timer_never_delivers() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    let addr = node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
        let got = inbox.receive_timeout(10_000).await.map(|m| match m {
            Received::Msg(m) => m,
            _ => "other",
        });
        tx.send(got).unwrap();
    });
    let t = timer::send_after(&addr, "late", 1000);
    timer::cancel_timer(&t);
    assert_eq!(rx.await.unwrap(), None);
}

#[tokio::test(start_paused = true)]
async fn send_interval_ticks_until_cancelled() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    let (done_tx, done_rx) = oneshot::channel::<()>();
    let addr = node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
        // Two "flushes" 2100 ms apart, as the chapter 2 transcript does.
        otp_core::process::sleep(2100).await;
        let first = inbox.flush().len();
        otp_core::process::sleep(2100).await;
        let second = inbox.flush().len();
        tx.send((first, second)).unwrap();
        // Stay alive until the test has cancelled the timer: a timer to a
        // dead process counts as already cancelled.
        let _ = done_rx.await;
        drop(inbox);
    });
    let t = timer::send_interval(1000, &addr, "tick");
    assert!(t.is_interval());
    assert_eq!(rx.await.unwrap(), (2, 2));
    assert!(timer::cancel_timer(&t).is_some());
    assert_eq!(timer::read_timer(&t), None);
    drop(done_tx);
    addr.pid().wait_exit().await;
}

#[tokio::test(start_paused = true)]
async fn a_timer_to_a_process_that_exited_counts_as_cancelled() {
    // As on the BEAM, where a timer to a pid is cancelled when the process dies.
    let node = Node::new();
    let dead = node.spawn(|_inbox: Mailbox<()>| async {});
    dead.pid().wait_exit().await;
    let interval = timer::send_interval(10, &dead, ());
    assert_eq!(timer::read_timer(&interval), None);

    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let alive = node.spawn(move |_inbox: Mailbox<u8>| async move {
        let _ = stop_rx.await;
    });
    let t = timer::send_after(&alive, 1, 60_000);
    assert!(timer::read_timer(&t).is_some());
    drop(stop_tx);
    alive.pid().wait_exit().await;
    assert_eq!(timer::read_timer(&t), None);
    assert_eq!(timer::cancel_timer(&t), None);
}

/// A message that counts its drops.
#[derive(Clone)]
struct Counted(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A timer whose destination has exited is cancelled at once, as on the BEAM: its task and the
/// message it holds are freed then, not at the deadline an hour later. 1,000 one-shot timers
/// and an interval timer to a process, which is then killed: every message is dropped with no
/// time passing, and the timers read as cancelled.
#[tokio::test(start_paused = true)]
async fn timers_to_a_process_that_exited_are_freed_at_once() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let node = Node::new();
    let dropped = Arc::new(AtomicUsize::new(0));
    let target = node.spawn(|_inbox: Mailbox<Counted>| std::future::pending());
    let hour = Duration::from_secs(3600);
    let timers: Vec<_> = (0..1000)
        .map(|_| timer::send_after(&target, Counted(dropped.clone()), hour))
        .collect();
    let ticker = timer::send_interval(hour, &target, Counted(dropped.clone()));
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    let start = Instant::now();
    let victim = target.pid();
    node.run(async move { otp_core::process::exit(&victim, otp_core::ExitReason::Kill) })
        .await
        .unwrap();
    target.pid().wait_exit().await;
    // The timers' tasks are aborted; each is dropped, with its message, when tokio next
    // gets to it: a few turns of the scheduler, not the hour.
    for _ in 0..100 {
        if dropped.load(Ordering::SeqCst) == 1001 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(dropped.load(Ordering::SeqCst), 1001, "every message freed");
    assert_eq!(Instant::now(), start, "no time passed");
    assert!(timers.iter().all(|t| timer::read_timer(t).is_none()));
    assert_eq!(
        timer::cancel_timer(&ticker),
        None,
        "already cancelled with its destination"
    );
}
