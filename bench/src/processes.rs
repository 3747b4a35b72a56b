//! otp-core's plain processes beside bare tokio tasks: idle processes, spawn_link + kill, a ring.

use otp_core::{ExitReason, Mailbox, Node, Received, process};

use crate::Row;
use crate::harness::{self, Exec, boxed, on_worker, per_op};
use crate::{HOPS, IDLE, LINK_KILLS, MONITORS, RING};

/// Spawns `IDLE` idle processes (and as many tasks with a channel each), then kills them all.
/// Returns the spawn, stop and heap rows.
pub fn idle(rt: &tokio::runtime::Runtime) -> [Row; 3] {
    let b = harness::idle(
        rt,
        IDLE,
        || async { idle_tasks(IDLE) },
        |tasks| async move {
            let (senders, tasks): (Vec<_>, Vec<_>) = tasks.into_iter().unzip();
            drop(senders);
            for t in tasks {
                t.await.expect("task ends");
            }
        },
    );
    let o = harness::idle(
        rt,
        IDLE,
        || async {
            let node = Node::new();
            let addrs = idle_processes(&node, IDLE);
            (node, addrs)
        },
        |(node, addrs)| async move {
            let pids: Vec<_> = addrs.iter().map(|a| a.pid()).collect();
            let victims = pids.clone();
            node.run(async move {
                for p in &victims {
                    process::exit(p, ExitReason::Kill);
                }
            })
            .await
            .expect("bench process");
            for p in &pids {
                p.wait_exit().await;
            }
        },
    );
    [
        Row::new("spawn 100k idle processes", "per spawn", b.spawn, o.spawn),
        Row::new("kill 100k idle processes", "per process", b.stop, o.stop),
        Row::bytes("  heap per idle process", b.heap, o.heap),
    ]
}

pub fn idle_tasks(
    n: u64,
) -> Vec<(
    tokio::sync::mpsc::UnboundedSender<u64>,
    tokio::task::JoinHandle<()>,
)> {
    (0..n)
        .map(|_| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
            (
                tx,
                tokio::spawn(async move { while rx.recv().await.is_some() {} }),
            )
        })
        .collect()
}

pub fn idle_processes(node: &Node, n: u64) -> Vec<otp_core::Addr<u64>> {
    (0..n)
        .map(|_| {
            node.spawn(|mut inbox: Mailbox<u64>| async move {
                while let Received::Msg(_) = inbox.receive().await {}
            })
        })
        .collect()
}

/// Resident bytes per idle task or process, `n` of them (run in a fresh process).
pub fn rss(ex: &impl Exec, before: u64, n: u64, processes: bool) -> f64 {
    ex.drive(async {
        if processes {
            let node = Node::new();
            let addrs = idle_processes(&node, n);
            tokio::task::yield_now().await;
            let per = (harness::rss_bytes() - before) as f64 / n as f64;
            drop(addrs);
            per
        } else {
            let tasks = idle_tasks(n);
            tokio::task::yield_now().await;
            let per = (harness::rss_bytes() - before) as f64 / n as f64;
            drop(tasks);
            per
        }
    })
}

/// spawn_link a child, kill it, receive the exit message (the caller traps exits). The baseline
/// spawns a task, aborts it and awaits its join handle.
pub fn link_kill(rt: &tokio::runtime::Runtime) -> Row {
    let baseline = per_op(rt, || {
        boxed(on_worker(async move {
            for _ in 0..LINK_KILLS {
                let h = tokio::spawn(std::future::pending::<()>());
                h.abort();
                let _ = h.await;
            }
            LINK_KILLS
        }))
    });
    let otp = per_op(rt, || {
        boxed(async {
            let node = Node::new();
            node.spawn(|mut inbox: Mailbox<()>| async move {
                process::trap_exit(true);
                for _ in 0..LINK_KILLS {
                    let child = process::spawn_link(|_i: Mailbox<()>| std::future::pending::<()>());
                    process::exit(&child.pid(), ExitReason::Kill);
                    loop {
                        if let Received::Exit { .. } = inbox.receive().await {
                            break;
                        }
                    }
                }
            })
            .pid()
            .wait_exit()
            .await;
            LINK_KILLS
        })
    });
    Row::new(
        "spawn_link + kill + exit message (20k)",
        "per round",
        baseline,
        otp,
    )
}

/// Monitor churn: `MONITORS` rounds of `spawn_monitor` a child that exits at once, receive its
/// DOWN selectively (a message waits in the mailbox the whole time) and
/// `demonitor(ref, flush)`. A per-round cost that grew with the rounds already done would show
/// bookkeeping left behind. The baseline spawns a task and awaits its join handle.
pub fn monitor_churn(rt: &tokio::runtime::Runtime) -> Row {
    let baseline = per_op(rt, || {
        boxed(on_worker(async move {
            for _ in 0..MONITORS {
                let _ = tokio::spawn(async {}).await;
            }
            MONITORS
        }))
    });
    let otp = per_op(rt, || {
        boxed(async {
            let node = Node::new();
            node.spawn(|mut inbox: Mailbox<()>| async move {
                inbox.addr().send(());
                for _ in 0..MONITORS {
                    let (_child, reference) = process::spawn_monitor(|_i: Mailbox<()>| async {});
                    inbox
                        .receive_match(|m| matches!(m, otp_core::Peek::Down(_)))
                        .await;
                    process::demonitor(&reference, true);
                }
            })
            .pid()
            .wait_exit()
            .await;
            MONITORS
        })
    });
    Row::new(
        "spawn_monitor + DOWN + demonitor(flush) (50k)",
        "per round",
        baseline,
        otp,
    )
}

/// A ring of `RING` processes passing one message `HOPS` times.
pub fn ring(rt: &tokio::runtime::Runtime) -> Row {
    let baseline = per_op(rt, || {
        boxed(async {
            let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
            let (first_tx, mut prev_rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
            let mut done_tx = Some(done_tx);
            for i in 0..RING {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                let next = if i + 1 == RING { first_tx.clone() } else { tx };
                let mut rx_in = std::mem::replace(&mut prev_rx, rx);
                let done = if i == 0 { done_tx.take() } else { None };
                tokio::spawn(async move {
                    let mut done = done;
                    while let Some(hops) = rx_in.recv().await {
                        if hops == 0 {
                            if let Some(d) = done.take() {
                                let _ = d.send(());
                            }
                            return;
                        }
                        if next.send(hops - 1).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(prev_rx);
            first_tx.send(HOPS).expect("ring alive");
            let _ = done_rx.await;
            HOPS
        })
    });
    let otp = per_op(rt, || {
        boxed(async {
            let node = Node::new();
            node.run(async {
                let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
                let done = std::sync::Arc::new(std::sync::Mutex::new(Some(done_tx)));
                // Build the ring backwards: each process knows the next one.
                let (first_tx, first_rx) = tokio::sync::oneshot::channel::<otp_core::Addr<u64>>();
                let first = process::spawn(move |mut inbox: Mailbox<u64>| async move {
                    let next = first_rx.await.expect("ring closed");
                    while let Received::Msg(hops) = inbox.receive().await {
                        if hops == 0 {
                            if let Some(d) = done.lock().expect("done lock").take() {
                                let _ = d.send(());
                            }
                            return;
                        }
                        next.send(hops - 1);
                    }
                });
                let mut next = first.clone();
                for _ in 1..RING {
                    let n = next.clone();
                    next = process::spawn(move |mut inbox: Mailbox<u64>| async move {
                        while let Received::Msg(hops) = inbox.receive().await {
                            if hops == 0 {
                                n.send(0);
                                return;
                            }
                            n.send(hops - 1);
                        }
                    });
                }
                first_tx.send(next.clone()).expect("first process alive");
                next.send(HOPS);
                let _ = done_rx.await;
                let me = process::self_pid();
                for p in me.node().processes().into_iter().filter(|p| *p != me) {
                    process::exit(&p, ExitReason::Kill);
                }
            })
            .await
            .expect("bench process");
            HOPS
        })
    });
    Row::new("ring of 1000, 1M hops", "per hop", baseline, otp)
}
