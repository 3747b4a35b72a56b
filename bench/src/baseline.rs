//! The bare tokio baseline: a task, an unbounded mpsc channel, a oneshot per request. No names,
//! no links, no supervision: the floor that every library above builds on.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::harness::{self, Exec, Figure, Idle, boxed, on_worker, per_op};
use crate::{CALLS, CALLS_PER_CLIENT, CASTS, CLIENTS, CRASHES, IDLE};

pub enum Msg {
    Call(u64, oneshot::Sender<u64>),
    Cast(u64),
}

/// A "server" task: adds casts to a total, answers calls with the total. Ends when every
/// sender is dropped.
pub fn server() -> (mpsc::UnboundedSender<Msg>, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut total = 0u64;
        while let Some(msg) = rx.recv().await {
            match msg {
                Msg::Call(n, reply) => {
                    total += n;
                    let _ = reply.send(total);
                }
                Msg::Cast(n) => total += n,
            }
        }
    });
    (tx, task)
}

pub async fn call(server: &mpsc::UnboundedSender<Msg>, n: u64) -> u64 {
    let (tx, rx) = oneshot::channel();
    server.send(Msg::Call(n, tx)).expect("server alive");
    rx.await.expect("reply")
}

/// The calls run in a task of their own, as the others' run in a process or an actor's caller.
pub fn call_round_trip(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            let (server, task) = server();
            tokio::spawn(async move {
                for i in 0..CALLS {
                    call(&server, i).await;
                }
            })
            .await
            .expect("client ends");
            task.await.expect("server ends");
            CALLS
        })
    })
}

pub fn cast_throughput(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            let (server, task) = server();
            tokio::spawn(async move {
                for i in 0..CASTS {
                    let _ = server.send(Msg::Cast(i));
                }
                call(&server, 0).await;
            })
            .await
            .expect("client ends");
            task.await.expect("server ends");
            CASTS
        })
    })
}

pub fn fan_in(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            let (server, task) = server();
            let clients: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    let server = server.clone();
                    tokio::spawn(async move {
                        for i in 0..CALLS_PER_CLIENT {
                            call(&server, i).await;
                        }
                    })
                })
                .collect();
            drop(server);
            for c in clients {
                c.await.expect("client ends");
            }
            task.await.expect("server ends");
            CLIENTS * CALLS_PER_CLIENT
        })
    })
}

/// `n` server tasks. `tokio::spawn` returns before a task first runs (its first poll only
/// registers the channel's waker).
fn spawn_idle(n: u64) -> Vec<(mpsc::UnboundedSender<Msg>, JoinHandle<()>)> {
    (0..n).map(|_| server()).collect()
}

/// Spawns `IDLE` server tasks, then drops their senders (which ends each task) and awaits every
/// join handle.
pub fn idle(ex: &impl Exec) -> Idle {
    harness::idle(
        ex,
        IDLE,
        || on_worker(async { spawn_idle(IDLE) }),
        |servers| {
            on_worker(async move {
                let (senders, tasks): (Vec<_>, Vec<_>) = servers.into_iter().unzip();
                drop(senders);
                for t in tasks {
                    t.await.expect("server ends");
                }
            })
        },
    )
}

/// Resident bytes per idle server task (run in a fresh process).
pub fn rss(ex: &impl Exec, before: u64) -> f64 {
    ex.drive(async {
        let servers = on_worker(async { spawn_idle(IDLE) }).await;
        tokio::task::yield_now().await;
        let per = (harness::rss_bytes() - before) as f64 / IDLE as f64;
        drop(servers);
        per
    })
}

/// Crash-to-restarted, by hand: a supervising task spawns the worker task, awaits its join
/// handle (where tokio hands over the worker's panic) and spawns a new one; each new worker
/// announces itself with a fresh channel. The least any library can do on tokio.
pub fn restart(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let (started_tx, mut started) = mpsc::unbounded_channel::<mpsc::UnboundedSender<()>>();
            let supervisor = tokio::spawn(async move {
                loop {
                    let started_tx = started_tx.clone();
                    let worker = tokio::spawn(async move {
                        let (tx, mut rx) = mpsc::unbounded_channel::<()>();
                        let _ = started_tx.send(tx);
                        if rx.recv().await.is_some() {
                            panic!("Boom");
                        }
                    });
                    match worker.await {
                        Err(e) if e.is_panic() => continue,
                        _ => return,
                    }
                }
            });
            let mut worker = started.recv().await.expect("first worker");
            for _ in 0..CRASHES {
                worker.send(()).expect("worker alive");
                worker = started.recv().await.expect("restarted worker");
            }
            drop(worker);
            supervisor.await.expect("supervisor ends");
            CRASHES
        }))
    })
}
