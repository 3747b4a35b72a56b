//! `make bench`: otp-core beside a bare tokio baseline measured in the same run.
//!
//! Every workload runs once to warm up and then five times; the table shows medians and the
//! ratio otp-core / baseline. Two tokio worker threads, as on the project's 2-core machines.

mod alloc;
mod baseline;
mod harness;
mod otp;
mod tree;

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

use std::time::Instant;

use harness::{Figure, Work, fmt_ns, per_op, rss_bytes};
use otp_core::gen_server::{self, Options};
use otp_core::{ExitReason, Mailbox, Node, Received, process};

const CALLS: u64 = 200_000;
const CASTS: u64 = 1_000_000;
const CLIENTS: u64 = 8;
const CALLS_PER_CLIENT: u64 = 25_000;
const IDLE: u64 = 100_000;
const LINK_KILLS: u64 = 20_000;
const RING: u64 = 1000;
const HOPS: u64 = 1_000_000;

pub struct Row {
    pub workload: &'static str,
    pub unit: &'static str,
    pub baseline: Figure,
    pub otp: Figure,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn boxed(f: impl std::future::Future<Output = u64> + 'static) -> Work {
    Box::pin(f)
}

fn call_round_trip(rt: &tokio::runtime::Runtime, timeout: otp_core::Timeout) -> Row {
    let baseline = per_op(rt, || {
        boxed(async {
            let server = baseline::server();
            tokio::spawn(async move {
                for i in 0..CALLS {
                    baseline::call(&server, i).await;
                }
            })
            .await
            .unwrap();
            CALLS
        })
    });
    let otp = per_op(rt, move || {
        boxed(async move {
            let node = Node::new();
            node.run(async move {
                let s = gen_server::start_link::<otp::Adder>((), Options::new())
                    .await
                    .unwrap();
                for i in 0..CALLS {
                    gen_server::call_timeout(&s, i, timeout).await.unwrap();
                }
                gen_server::stop(&s, ExitReason::Normal, 5000).await.unwrap();
            })
            .await
            .unwrap();
            CALLS
        })
    });
    Row {
        workload: if timeout == otp_core::Timeout::Infinity {
            "call round trip, timeout :infinity (200k calls)"
        } else {
            "call round trip, default 5000 ms timeout (200k calls)"
        },
        unit: "per call",
        baseline,
        otp,
    }
}

fn cast_throughput(rt: &tokio::runtime::Runtime) -> Row {
    let baseline = per_op(rt, || {
        boxed(async {
            let server = baseline::server();
            tokio::spawn(async move {
                for i in 0..CASTS {
                    let _ = server.send(baseline::Msg::Cast(i));
                }
                baseline::call(&server, 0).await;
            })
            .await
            .unwrap();
            CASTS
        })
    });
    let otp = per_op(rt, || {
        boxed(async {
            let node = Node::new();
            node.run(async {
                let s = gen_server::start_link::<otp::Adder>((), Options::new())
                    .await
                    .unwrap();
                for i in 0..CASTS {
                    gen_server::cast(&s, i);
                }
                gen_server::call(&s, 0).await.unwrap();
                gen_server::stop(&s, ExitReason::Normal, 5000)
                    .await
                    .unwrap();
            })
            .await
            .unwrap();
            CASTS
        })
    });
    Row {
        workload: "cast throughput (1M casts, then a call)",
        unit: "per cast",
        baseline,
        otp,
    }
}

fn fan_in(rt: &tokio::runtime::Runtime) -> Row {
    let total = CLIENTS * CALLS_PER_CLIENT;
    let baseline = per_op(rt, || {
        boxed(async move {
            let server = baseline::server();
            let clients: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    let server = server.clone();
                    tokio::spawn(async move {
                        for i in 0..CALLS_PER_CLIENT {
                            baseline::call(&server, i).await;
                        }
                    })
                })
                .collect();
            for c in clients {
                c.await.unwrap();
            }
            total
        })
    });
    let otp = per_op(rt, || {
        boxed(async move {
            let node = Node::new();
            node.run(async move {
                let s = gen_server::start_link::<otp::Adder>((), Options::new())
                    .await
                    .unwrap();
                let clients: Vec<_> = (0..CLIENTS)
                    .map(|_| {
                        let s = s.clone();
                        process::spawn(move |_inbox: Mailbox<()>| async move {
                            for i in 0..CALLS_PER_CLIENT {
                                gen_server::call(&s, i).await.unwrap();
                            }
                        })
                    })
                    .collect();
                for c in clients {
                    c.pid().wait_exit().await;
                }
                gen_server::stop(&s, ExitReason::Normal, 5000)
                    .await
                    .unwrap();
            })
            .await
            .unwrap();
            total
        })
    });
    Row {
        workload: "fan-in (8 clients x 25k calls)",
        unit: "per call",
        baseline,
        otp,
    }
}

/// Spawns `IDLE` idle things with `spawn_all`, measures time per spawn and heap bytes per
/// thing (counted by the allocator while they are alive), then stops them all.
fn idle<S, F, Fut>(rt: &tokio::runtime::Runtime, spawn_all: S) -> (Figure, Figure)
where
    S: Fn() -> F,
    F: std::future::Future<Output = Fut>,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for run in 0..=harness::RUNS {
        alloc::start();
        let start = Instant::now();
        let stopper = rt.block_on(spawn_all());
        let elapsed = start.elapsed();
        let live = alloc::live();
        alloc::stop();
        rt.block_on(stopper);
        if run > 0 {
            times.push(elapsed.as_nanos() as f64 / IDLE as f64);
            bytes.push(live as f64 / IDLE as f64);
        }
    }
    (harness::figure(times), harness::figure(bytes))
}

/// Resident memory per idle thing, measured in a fresh copy of this program so that no earlier
/// workload's freed memory is reused: `bench --rss <what>` prints bytes per thing.
fn rss_child(what: &str) -> f64 {
    let exe = std::env::current_exe().expect("own path");
    let out = std::process::Command::new(exe)
        .args(["--rss", what])
        .output()
        .expect("run self");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(f64::NAN)
}

fn rss_measure(what: &str) {
    let rt = runtime();
    // Warm the runtime and the allocator a little, then measure.
    rt.block_on(async { tokio::task::yield_now().await });
    let before = rss_bytes();
    let per = match what {
        "million-task" | "million-process" => {
            let n = tree::MILLION;
            rt.block_on(async {
                if what == "million-task" {
                    let senders: Vec<_> = (0..n)
                        .map(|_| {
                            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                            tokio::spawn(async move { while rx.recv().await.is_some() {} });
                            tx
                        })
                        .collect();
                    tokio::task::yield_now().await;
                    let per = (rss_bytes() - before) as f64 / n as f64;
                    drop(senders);
                    per
                } else {
                    let node = Node::new();
                    let addrs: Vec<_> = (0..n)
                        .map(|_| {
                            node.spawn(|mut inbox: Mailbox<u64>| async move {
                                while let Received::Msg(_) = inbox.receive().await {}
                            })
                        })
                        .collect();
                    tokio::task::yield_now().await;
                    let per = (rss_bytes() - before) as f64 / n as f64;
                    drop(addrs);
                    per
                }
            })
        }
        "tokio-task" => rt.block_on(async {
            let senders: Vec<_> = (0..IDLE)
                .map(|_| {
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                    tokio::spawn(async move { while rx.recv().await.is_some() {} });
                    tx
                })
                .collect();
            let per = (rss_bytes() - before) as f64 / IDLE as f64;
            drop(senders);
            per
        }),
        "process" => rt.block_on(async {
            let node = Node::new();
            let addrs: Vec<_> = (0..IDLE)
                .map(|_| {
                    node.spawn(|mut inbox: Mailbox<u64>| async move {
                        while let Received::Msg(_) = inbox.receive().await {}
                    })
                })
                .collect();
            tokio::task::yield_now().await;
            let per = (rss_bytes() - before) as f64 / IDLE as f64;
            drop(addrs);
            per
        }),
        "baseline-server" => rt.block_on(async {
            let servers: Vec<_> = (0..IDLE).map(|_| baseline::server()).collect();
            let per = (rss_bytes() - before) as f64 / IDLE as f64;
            drop(servers);
            per
        }),
        "server" => rt.block_on(async {
            let node = Node::new();
            node.run(async move {
                let mut v = Vec::with_capacity(IDLE as usize);
                for _ in 0..IDLE {
                    v.push(
                        gen_server::start::<otp::Adder>((), Options::new())
                            .await
                            .unwrap(),
                    );
                }
                (rss_bytes() - before) as f64 / IDLE as f64
            })
            .await
            .unwrap()
        }),
        other => panic!("unknown --rss workload {other}"),
    };
    println!("{per:.0}");
}

fn idle_processes(rt: &tokio::runtime::Runtime) -> (Row, Row) {
    let (bt, bb) = idle(rt, || async {
        let senders: Vec<_> = (0..IDLE)
            .map(|_| {
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                tokio::spawn(async move { while rx.recv().await.is_some() {} });
                tx
            })
            .collect();
        async move {
            drop(senders);
            tokio::task::yield_now().await;
        }
    });
    let (ot, ob) = idle(rt, || async {
        let node = Node::new();
        let addrs: Vec<_> = (0..IDLE)
            .map(|_| {
                node.spawn(|mut inbox: Mailbox<u64>| async move {
                    while let Received::Msg(_) = inbox.receive().await {}
                })
            })
            .collect();
        async move {
            let pids: Vec<_> = addrs.iter().map(|a| a.pid()).collect();
            let victims = pids.clone();
            node.run(async move {
                for p in &victims {
                    process::exit(p, ExitReason::Kill);
                }
            })
            .await
            .unwrap();
            for p in &pids {
                p.wait_exit().await;
            }
        }
    });
    (
        Row {
            workload: "spawn 100k idle processes",
            unit: "per spawn",
            baseline: bt,
            otp: ot,
        },
        Row {
            workload: "  heap per idle process",
            unit: "bytes",
            baseline: bb,
            otp: ob,
        },
    )
}

fn idle_servers(rt: &tokio::runtime::Runtime) -> (Row, Row) {
    let (bt, bb) = idle(rt, || async {
        let servers: Vec<_> = (0..IDLE).map(|_| baseline::server()).collect();
        async move {
            drop(servers);
            tokio::task::yield_now().await;
        }
    });
    let (ot, ob) = idle(rt, || async {
        let node = Node::new();
        let servers = node
            .run(async {
                let mut v = Vec::with_capacity(IDLE as usize);
                for _ in 0..IDLE {
                    v.push(
                        gen_server::start::<otp::Adder>((), Options::new())
                            .await
                            .unwrap(),
                    );
                }
                v
            })
            .await
            .unwrap();
        async move {
            node.run(async move {
                for s in &servers {
                    process::exit(&s.pid(), ExitReason::Kill);
                }
                for s in &servers {
                    s.pid().wait_exit().await;
                }
            })
            .await
            .unwrap();
        }
    });
    (
        Row {
            workload: "start 100k idle GenServers",
            unit: "per start",
            baseline: bt,
            otp: ot,
        },
        Row {
            workload: "  heap per idle server",
            unit: "bytes",
            baseline: bb,
            otp: ob,
        },
    )
}

fn link_kill(rt: &tokio::runtime::Runtime) -> Row {
    let baseline = per_op(rt, || {
        boxed(async {
            for _ in 0..LINK_KILLS {
                let h = tokio::spawn(std::future::pending::<()>());
                h.abort();
                let _ = h.await;
            }
            LINK_KILLS
        })
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
    Row {
        workload: "spawn_link + kill + exit message",
        unit: "per round",
        baseline,
        otp,
    }
}

fn ring(rt: &tokio::runtime::Runtime) -> Row {
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
            first_tx.send(HOPS).unwrap();
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
                    let next = first_rx.await.unwrap();
                    while let Received::Msg(hops) = inbox.receive().await {
                        if hops == 0 {
                            if let Some(d) = done.lock().unwrap().take() {
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
                first_tx.send(next.clone()).unwrap();
                next.send(HOPS);
                let _ = done_rx.await;
                for p in node_processes() {
                    process::exit(&p, ExitReason::Kill);
                }
            })
            .await
            .unwrap();
            HOPS
        })
    });
    Row {
        workload: "ring of 1000, 1M hops",
        unit: "per hop",
        baseline,
        otp,
    }
}

fn node_processes() -> Vec<otp_core::Pid> {
    let me = process::self_pid();
    me.node()
        .processes()
        .into_iter()
        .filter(|p| *p != me)
        .collect()
}

fn print(rows: &[Row]) {
    println!("| workload | unit | tokio baseline | otp-core | ratio |");
    println!("|---|---|---|---|---|");
    for r in rows {
        let (b, o) = if r.unit == "bytes" {
            (
                format!("{:.0} B", r.baseline.median),
                format!("{:.0} B", r.otp.median),
            )
        } else {
            (fmt_ns(r.baseline.median), fmt_ns(r.otp.median))
        };
        println!(
            "| {} | {} | {} | {} | {:.2}x |",
            r.workload,
            r.unit,
            b,
            o,
            r.otp.median / r.baseline.median
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--rss") {
        rss_measure(&args[2]);
        return;
    }
    let filter: Option<String> = args.get(1).cloned();
    let rt = runtime();
    let mut rows = Vec::new();
    let wants = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if wants("call") {
        rows.push(call_round_trip(&rt, otp_core::Timeout::millis(5000)));
        rows.push(call_round_trip(&rt, otp_core::Timeout::Infinity));
    }
    if wants("cast") {
        rows.push(cast_throughput(&rt));
    }
    if wants("fan") {
        rows.push(fan_in(&rt));
    }
    if wants("spawn") {
        let (a, b) = idle_processes(&rt);
        rows.push(a);
        rows.push(b);
        let one = |x| harness::figure(vec![x]);
        rows.push(Row {
            workload: "  RSS per idle process (fresh run)",
            unit: "bytes",
            baseline: one(rss_child("tokio-task")),
            otp: one(rss_child("process")),
        });
    }
    if wants("server") {
        let (a, b) = idle_servers(&rt);
        rows.push(a);
        rows.push(b);
        let one = |x| harness::figure(vec![x]);
        rows.push(Row {
            workload: "  RSS per idle server (fresh run)",
            unit: "bytes",
            baseline: one(rss_child("baseline-server")),
            otp: one(rss_child("server")),
        });
    }
    if wants("link") {
        rows.push(link_kill(&rt));
    }
    if wants("ring") {
        rows.push(ring(&rt));
    }
    if wants("restart") {
        rows.push(tree::restart(&rt));
    }
    if wants("tree") {
        rows.push(tree::stop_tree(&rt));
    }
    if wants("dynamic") {
        let (a, b) = tree::dynamic(&rt);
        rows.push(a);
        rows.push(b);
    }
    if wants("registry") {
        let (a, b) = tree::registry(&rt);
        rows.push(a);
        rows.push(b);
    }
    if wants("million") {
        let (a, b) = tree::million(&rt);
        rows.push(a);
        rows.push(b);
        let one = |x| harness::figure(vec![x]);
        rows.push(Row {
            workload: "  RSS per process, 1M idle (fresh run)",
            unit: "bytes",
            baseline: one(rss_child("million-task")),
            otp: one(rss_child("million-process")),
        });
    }
    print(&rows);
}
