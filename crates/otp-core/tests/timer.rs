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
