//! Supervision trees and registries: restarts, shutdowns, dynamic children, lookups, and a
//! million processes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use otp_core::dynamic_supervisor;
use otp_core::gen_server::{self, CastResult, GenServer, Init, Options};
use otp_core::registry::{self, Registry};
use otp_core::supervisor::{self, ChildSpec};
use otp_core::{ExitReason, Mailbox, Node, Received, process};

use crate::Row;
use crate::harness::{boxed, figure, on_worker, per_op};

const CRASHES: u64 = 10_000;
const TREE: u64 = 10_000;
const DYNAMIC: u64 = 100_000;
const KEYS: u64 = 100_000;
const LOOKUPS: u64 = 1_000_000;
pub const MILLION: u64 = 1_000_000;

/// A worker that panics when told to.
#[derive(Debug)]
pub struct Crasher;

impl GenServer for Crasher {
    type Arg = ();
    type Call = std::convert::Infallible;
    type Reply = ();
    type Cast = ();
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Crasher)
    }

    async fn handle_cast(&mut self, _: ()) -> CastResult<Self> {
        panic!("Boom")
    }
}

fn crasher_spec(id: String) -> ChildSpec {
    ChildSpec::new(id, || async {
        gen_server::start_link::<Crasher>((), Options::new())
            .await
            .map(|s| s.pid())
    })
}

/// Crash-to-restarted as a client of a supervisor sees it: look the child up with
/// `which_children`, make it panic, wait for its exit, look the new one up. (The peer table's
/// restart row instead has each new child announce itself from `init`.) A lookup that still
/// finds the old pid (the supervisor has not handled the exit yet) is repeated, so that every
/// counted round is a real restart. The baseline respawns a tokio task after catching its panic
/// through its JoinHandle.
pub fn restart(rt: &tokio::runtime::Runtime) -> Row {
    let baseline = per_op(rt, || {
        boxed(on_worker(async move {
            for _ in 0..CRASHES {
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                let task = tokio::spawn(async move {
                    let _ = rx.await;
                    panic!("Boom");
                });
                let _ = tx.send(());
                let _ = task.await;
            }
            CRASHES
        }))
    });
    let otp = per_op(rt, || {
        boxed(async {
            let node = Node::new();
            node.run(async {
                let sup = supervisor::start_link(
                    vec![crasher_spec("crasher".into())],
                    supervisor::Options::new().max_restarts(u32::MAX),
                )
                .await
                .expect("start supervisor");
                let child_of = |sup| async move {
                    supervisor::which_children(sup)
                        .await
                        .expect("which_children")[0]
                        .pid
                        .pid()
                        .cloned()
                };
                let mut last = None;
                let mut crashes = 0;
                while crashes < CRASHES {
                    let Some(child) = child_of(&sup).await else {
                        continue;
                    };
                    if Some(&child) == last.as_ref() {
                        tokio::task::yield_now().await;
                        continue;
                    }
                    gen_server::cast::<Crasher>(&child, ());
                    child.wait_exit().await;
                    last = Some(child);
                    crashes += 1;
                }
                supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
                    .await
                    .expect("stop supervisor");
            })
            .await
            .expect("bench process");
            CRASHES
        })
    });
    Row::new(
        "crash-to-restarted, child looked up with which_children (10k panics)",
        "per restart",
        baseline,
        otp,
    )
}

/// Time to stop a supervisor of `TREE` idle servers (total, in nanoseconds per child). The
/// baseline aborts `TREE` tasks and awaits them.
pub fn stop_tree(rt: &tokio::runtime::Runtime) -> Row {
    let mut b = Vec::new();
    let mut o = Vec::new();
    for run in 0..=crate::harness::RUNS {
        let took = rt.block_on(on_worker(async move {
            let tasks: Vec<_> = (0..TREE)
                .map(|_| {
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                    (
                        tokio::spawn(async move { while rx.recv().await.is_some() {} }),
                        tx,
                    )
                })
                .collect();
            tokio::task::yield_now().await;
            let began = Instant::now();
            for (t, _) in &tasks {
                t.abort();
            }
            for (t, _) in tasks {
                let _ = t.await;
            }
            began.elapsed()
        }));
        if run > 0 {
            b.push(took.as_nanos() as f64 / TREE as f64);
        }
        let took = rt.block_on(async {
            let node = Node::new();
            node.run(async {
                let specs = (0..TREE).map(|i| crasher_spec(format!("c{i}"))).collect();
                let sup = supervisor::start_link(specs, supervisor::Options::new())
                    .await
                    .unwrap();
                let began = Instant::now();
                supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
                    .await
                    .unwrap();
                began.elapsed()
            })
            .await
            .unwrap()
        });
        if run > 0 {
            o.push(took.as_nanos() as f64 / TREE as f64);
        }
    }
    Row::new(
        "stop a supervisor of 10k children (reverse order, one at a time)",
        "per child",
        figure(b),
        figure(o),
    )
}

/// 100k `start_child` on a dynamic supervisor, then its stop. Returns (start row, stop row).
pub fn dynamic(rt: &tokio::runtime::Runtime) -> [Row; 2] {
    let (mut bs, mut bt, mut os, mut ot) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..=crate::harness::RUNS {
        let (start, stop) = rt.block_on(on_worker(async move {
            let began = Instant::now();
            let tasks: Vec<_> = (0..DYNAMIC)
                .map(|_| {
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                    (
                        tokio::spawn(async move { while rx.recv().await.is_some() {} }),
                        tx,
                    )
                })
                .collect();
            let start = began.elapsed();
            let began = Instant::now();
            for (t, _) in &tasks {
                t.abort();
            }
            for (t, _) in tasks {
                let _ = t.await;
            }
            (start, began.elapsed())
        }));
        if run > 0 {
            bs.push(start.as_nanos() as f64 / DYNAMIC as f64);
            bt.push(stop.as_nanos() as f64);
        }
        let (start, stop) = rt.block_on(async {
            let node = Node::new();
            node.run(async {
                let sup = dynamic_supervisor::start_link(dynamic_supervisor::Options::new())
                    .await
                    .unwrap();
                let spec = crasher_spec("dynamic".into());
                let began = Instant::now();
                for _ in 0..DYNAMIC {
                    dynamic_supervisor::start_child(&sup, spec.clone())
                        .await
                        .unwrap();
                }
                let start = began.elapsed();
                let began = Instant::now();
                dynamic_supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
                    .await
                    .unwrap();
                (start, began.elapsed())
            })
            .await
            .unwrap()
        });
        if run > 0 {
            os.push(start.as_nanos() as f64 / DYNAMIC as f64);
            ot.push(stop.as_nanos() as f64);
        }
    }
    [
        Row::new(
            "DynamicSupervisor: 100k start_child",
            "per child",
            figure(bs),
            figure(os),
        ),
        Row::new(
            "DynamicSupervisor: stop with 100k children",
            "total",
            figure(bt),
            figure(ot),
        ),
    ]
}

/// Registry: one process registers `KEYS` unique keys; then two processes look keys up,
/// `LOOKUPS` in all. The baseline is a `RwLock<HashMap>`.
pub fn registry(rt: &tokio::runtime::Runtime) -> [Row; 2] {
    let (mut br, mut bl, mut or, mut ol) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..=crate::harness::RUNS {
        let (reg, look) = rt.block_on(async {
            let map: Arc<RwLock<HashMap<u64, u64>>> = Arc::default();
            let began = Instant::now();
            for k in 0..KEYS {
                map.write().unwrap().insert(k, k);
            }
            let reg = began.elapsed();
            let began = Instant::now();
            let tasks: Vec<_> = (0..2u64)
                .map(|t| {
                    let map = map.clone();
                    tokio::spawn(async move {
                        let mut found = 0u64;
                        for i in 0..LOOKUPS / 2 {
                            let k = (i * 7919 + t) % KEYS;
                            if map.read().unwrap().get(&k).is_some() {
                                found += 1;
                            }
                        }
                        found
                    })
                })
                .collect();
            for t in tasks {
                assert_eq!(t.await.unwrap(), LOOKUPS / 2);
            }
            (reg, began.elapsed())
        });
        if run > 0 {
            br.push(reg.as_nanos() as f64 / KEYS as f64);
            bl.push(look.as_nanos() as f64 / LOOKUPS as f64);
        }
        let (reg, look) = rt.block_on(async {
            let node = Node::new();
            node.run(async {
                let r: Registry<u64, u64> = Registry::start_link(registry::Options::unique())
                    .await
                    .unwrap();
                let began = Instant::now();
                for k in 0..KEYS {
                    r.register(k, k).unwrap();
                }
                let reg = began.elapsed();
                let began = Instant::now();
                let lookers: Vec<_> = (0..2u64)
                    .map(|t| {
                        let r = r.clone();
                        process::spawn(move |_i: Mailbox<()>| async move {
                            let mut found = 0u64;
                            for i in 0..LOOKUPS / 2 {
                                let k = (i * 7919 + t) % KEYS;
                                if !r.lookup(&k).unwrap().is_empty() {
                                    found += 1;
                                }
                            }
                            assert_eq!(found, LOOKUPS / 2);
                        })
                    })
                    .collect();
                for l in lookers {
                    l.pid().wait_exit().await;
                }
                let look = began.elapsed();
                process::exit(&r.pid(), ExitReason::Kill);
                (reg, look)
            })
            .await
            .unwrap()
        });
        if run > 0 {
            or.push(reg.as_nanos() as f64 / KEYS as f64);
            ol.push(look.as_nanos() as f64 / LOOKUPS as f64);
        }
    }
    [
        Row::new(
            "Registry: 100k unique registers (one process)",
            "per register",
            figure(br),
            figure(or),
        ),
        Row::new(
            "Registry: 1M lookups from 2 processes",
            "per lookup",
            figure(bl),
            figure(ol),
        ),
    ]
}

/// A million idle processes: time to spawn them, then to stop them all (kill).
pub fn million(rt: &tokio::runtime::Runtime) -> [Row; 2] {
    let (mut bs, mut bt, mut os, mut ot) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // One warm-up and two measured runs: a run holds a gigabyte.
    for run in 0..3 {
        let (spawn, stop) = rt.block_on(on_worker(async move {
            let began = Instant::now();
            let tasks: Vec<_> = (0..MILLION)
                .map(|_| {
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
                    (
                        tokio::spawn(async move { while rx.recv().await.is_some() {} }),
                        tx,
                    )
                })
                .collect();
            let spawn = began.elapsed();
            let began = Instant::now();
            for (t, _) in &tasks {
                t.abort();
            }
            for (t, _) in tasks {
                let _ = t.await;
            }
            (spawn, began.elapsed())
        }));
        if run > 0 {
            bs.push(spawn.as_nanos() as f64 / MILLION as f64);
            bt.push(stop.as_nanos() as f64 / MILLION as f64);
        }
        let (spawn, stop) = rt.block_on(async {
            let node = Node::new();
            let began = Instant::now();
            let addrs: Vec<_> = (0..MILLION)
                .map(|_| {
                    node.spawn(|mut inbox: Mailbox<u64>| async move {
                        while let Received::Msg(_) = inbox.receive().await {}
                    })
                })
                .collect();
            let spawn = began.elapsed();
            let began = Instant::now();
            let pids: Vec<_> = addrs.iter().map(|a| a.pid()).collect();
            drop(addrs);
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
            (spawn, began.elapsed())
        });
        if run > 0 {
            os.push(spawn.as_nanos() as f64 / MILLION as f64);
            ot.push(stop.as_nanos() as f64 / MILLION as f64);
        }
    }
    [
        Row::new(
            "spawn 1M idle processes",
            "per spawn",
            figure(bs),
            figure(os),
        ),
        Row::new(
            "stop 1M processes (kill each)",
            "per process",
            figure(bt),
            figure(ot),
        ),
    ]
}
