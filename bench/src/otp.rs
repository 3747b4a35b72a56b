//! The workloads on otp-core: a GenServer, `gen_server::call` / `cast`, processes as clients,
//! and a one_for_one supervisor for restarts.

use std::convert::Infallible;

use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Init, Options};
use otp_core::supervisor::{self, ChildSpec};
use otp_core::{ExitReason, Mailbox, Node, Timeout, process};
use tokio::sync::mpsc;

use crate::harness::{self, Exec, Figure, Idle, boxed, per_op};
use crate::{CALLS, CALLS_PER_CLIENT, CASTS, CLIENTS, CRASHES, IDLE};

/// The adder: casts add to a total, calls add and answer with the total.
#[derive(Debug)]
pub struct Adder(pub u64);

impl GenServer for Adder {
    type Arg = ();
    type Call = u64;
    type Reply = u64;
    type Cast = u64;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Adder(0))
    }

    async fn handle_call(&mut self, n: u64, _from: &Caller<u64>) -> CallResult<Self> {
        self.0 += n;
        CallResult::Reply(self.0)
    }

    async fn handle_cast(&mut self, n: u64) -> CastResult<Self> {
        self.0 += n;
        CastResult::NoReply
    }
}

async fn adder() -> gen_server::ServerRef<Adder> {
    gen_server::start_link::<Adder>((), Options::new())
        .await
        .expect("start adder")
}

async fn stop(s: &gen_server::ServerRef<Adder>) {
    gen_server::stop(s, ExitReason::Normal, Timeout::Infinity)
        .await
        .expect("stop adder");
}

/// `timeout`: `Timeout::Infinity`, or the 5000 ms that `gen_server::call` uses by default.
pub fn call_round_trip(ex: &impl Exec, timeout: Timeout) -> Figure {
    per_op(ex, move || {
        boxed(async move {
            Node::new()
                .run(async move {
                    let s = adder().await;
                    for i in 0..CALLS {
                        gen_server::call_timeout(&s, i, timeout)
                            .await
                            .expect("reply");
                    }
                    stop(&s).await;
                })
                .await
                .expect("bench process");
            CALLS
        })
    })
}

pub fn cast_throughput(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            Node::new()
                .run(async {
                    let s = adder().await;
                    for i in 0..CASTS {
                        gen_server::cast(&s, i);
                    }
                    gen_server::call_timeout(&s, 0, Timeout::Infinity)
                        .await
                        .expect("reply");
                    stop(&s).await;
                })
                .await
                .expect("bench process");
            CASTS
        })
    })
}

/// Eight client processes call one server, without a timeout as for the others.
pub fn fan_in(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            Node::new()
                .run(async {
                    let s = adder().await;
                    let clients: Vec<_> = (0..CLIENTS)
                        .map(|_| {
                            let s = s.clone();
                            process::spawn(move |_inbox: Mailbox<()>| async move {
                                for i in 0..CALLS_PER_CLIENT {
                                    gen_server::call_timeout(&s, i, Timeout::Infinity)
                                        .await
                                        .expect("reply");
                                }
                            })
                        })
                        .collect();
                    for c in clients {
                        c.pid().wait_exit().await;
                    }
                    stop(&s).await;
                })
                .await
                .expect("bench process");
            CLIENTS * CALLS_PER_CLIENT
        })
    })
}

/// `gen_server::start` returns once `init` ran, as `GenServer.start/2` does.
async fn spawn_idle(n: u64) -> Vec<gen_server::ServerRef<Adder>> {
    let mut v = Vec::with_capacity(n as usize);
    for _ in 0..n {
        v.push(
            gen_server::start::<Adder>((), Options::new())
                .await
                .expect("start adder"),
        );
    }
    v
}

/// Starts `IDLE` servers from a process of a fresh node, then sends each a `:shutdown` exit
/// signal (what a supervisor does) and waits until every one is gone.
pub fn idle(ex: &impl Exec) -> Idle {
    harness::idle(
        ex,
        IDLE,
        || async {
            let node = Node::new();
            let servers = node.run(spawn_idle(IDLE)).await.expect("bench process");
            (node, servers)
        },
        |(node, servers)| async move {
            node.run(async move {
                for s in &servers {
                    process::exit(&s.pid(), ExitReason::Shutdown);
                }
                for s in &servers {
                    s.pid().wait_exit().await;
                }
            })
            .await
            .expect("bench process");
        },
    )
}

/// Resident bytes per idle server (run in a fresh process).
pub fn rss(ex: &impl Exec, before: u64) -> f64 {
    ex.drive(async {
        Node::new()
            .run(async move {
                let servers = spawn_idle(IDLE).await;
                let per = (harness::rss_bytes() - before) as f64 / IDLE as f64;
                drop(servers);
                per
            })
            .await
            .expect("bench process")
    })
}

/// A worker that announces every start of its own to the bench, and panics when told to.
#[derive(Debug)]
pub struct Crasher;

type Started = mpsc::UnboundedSender<gen_server::ServerRef<Crasher>>;

impl GenServer for Crasher {
    type Arg = Started;
    type Call = Infallible;
    type Reply = ();
    type Cast = ();
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(started: Started) -> Init<Self> {
        let _ = started.send(gen_server::self_ref::<Crasher>());
        Init::Ok(Crasher)
    }

    async fn handle_cast(&mut self, _: ()) -> CastResult<Self> {
        panic!("Boom")
    }
}

/// Crash-to-restarted: cast the child a message that makes it panic, wait until its
/// replacement has run `init`, repeat. One child under a one_for_one supervisor whose restart
/// intensity is lifted.
pub fn restart(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            Node::new()
                .run(async {
                    let (tx, mut started) = mpsc::unbounded_channel();
                    let spec = ChildSpec::new("crasher", move || {
                        let tx = tx.clone();
                        async move {
                            gen_server::start_link::<Crasher>(tx, Options::new())
                                .await
                                .map(|s| s.pid())
                        }
                    });
                    let sup = supervisor::start_link(
                        vec![spec],
                        supervisor::Options::new().max_restarts(u32::MAX),
                    )
                    .await
                    .expect("start supervisor");
                    let mut child = started.recv().await.expect("first child");
                    for _ in 0..CRASHES {
                        gen_server::cast(&child, ());
                        child = started.recv().await.expect("restarted child");
                    }
                    supervisor::stop(&sup, ExitReason::Normal, Timeout::Infinity)
                        .await
                        .expect("stop supervisor");
                })
                .await
                .expect("bench process");
            CRASHES
        })
    })
}
