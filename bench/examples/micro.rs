use otp_core::{Mailbox, Node, Received};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

const N: u64 = 200_000;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for round in 0..3 {
        // A: baseline
        let t = Instant::now();
        rt.block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel::<(u64, oneshot::Sender<u64>)>();
            tokio::spawn(async move {
                while let Some((n, r)) = rx.recv().await {
                    let _ = r.send(n);
                }
            });
            tokio::spawn(async move {
                for i in 0..N {
                    let (a, b) = oneshot::channel();
                    tx.send((i, a)).unwrap();
                    b.await.unwrap();
                }
            })
            .await
            .unwrap();
        });
        let a = t.elapsed().as_nanos() as f64 / N as f64;
        // B: server is a process, client a tokio task
        let t = Instant::now();
        rt.block_on(async {
            let node = Node::new();
            let addr = node.spawn(
                |mut inbox: Mailbox<(u64, oneshot::Sender<u64>)>| async move {
                    while let Received::Msg((n, r)) = inbox.receive().await {
                        let _ = r.send(n);
                    }
                },
            );
            tokio::spawn(async move {
                for i in 0..N {
                    let (a, b) = oneshot::channel();
                    addr.send((i, a));
                    b.await.unwrap();
                }
            })
            .await
            .unwrap();
        });
        let b = t.elapsed().as_nanos() as f64 / N as f64;
        // C: both processes
        let t = Instant::now();
        rt.block_on(async {
            let node = Node::new();
            let addr = node.spawn(
                |mut inbox: Mailbox<(u64, oneshot::Sender<u64>)>| async move {
                    while let Received::Msg((n, r)) = inbox.receive().await {
                        let _ = r.send(n);
                    }
                },
            );
            node.run(async move {
                for i in 0..N {
                    let (a, b) = oneshot::channel();
                    addr.send((i, a));
                    b.await.unwrap();
                }
            })
            .await
            .unwrap();
        });
        let c = t.elapsed().as_nanos() as f64 / N as f64;
        // D: server tokio task, client process
        let t = Instant::now();
        rt.block_on(async {
            let node = Node::new();
            let (tx, mut rx) = mpsc::unbounded_channel::<(u64, oneshot::Sender<u64>)>();
            tokio::spawn(async move {
                while let Some((n, r)) = rx.recv().await {
                    let _ = r.send(n);
                }
            });
            node.run(async move {
                for i in 0..N {
                    let (a, b) = oneshot::channel();
                    tx.send((i, a)).unwrap();
                    b.await.unwrap();
                }
            })
            .await
            .unwrap();
        });
        let d = t.elapsed().as_nanos() as f64 / N as f64;
        println!(
            "round {round}: A tokio/tokio {a:.0} ns  B proc-server {b:.0} ns  C proc/proc {c:.0} ns  D tokio-server/proc-client {d:.0} ns"
        );
    }
}
