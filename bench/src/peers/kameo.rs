//! The workloads on kameo, written as its documentation shows: an `Actor` with one `Message<T>`
//! impl per request type, `ask` for requests, `tell` for one-way messages, `Spawn::spawn_with_mailbox`,
//! and `Spawn::supervise` under a supervisor actor for restarts.
//!
//! Every actor here gets an unbounded mailbox (`mailbox::unbounded()`), like otp-core's processes
//! and the baseline's channel. kameo's default (`spawn`) is a bounded mailbox of 64 messages,
//! where a `tell` waits for room.

use std::time::Duration;

use kameo::actor::{Actor, ActorRef, Spawn};
use kameo::error::Infallible;
use kameo::mailbox;
use kameo::message::{Context, Message};
use tokio::sync::mpsc;

use crate::harness::{self, Exec, Figure, Idle, boxed, on_worker, per_op};
use crate::{CALLS, CALLS_PER_CLIENT, CASTS, CLIENTS, CRASHES, IDLE};

/// The adder: casts add to a total, calls add and answer with the total.
pub struct Adder(u64);

impl Actor for Adder {
    type Args = ();
    type Error = Infallible;

    async fn on_start(_: (), _: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(Adder(0))
    }
}

pub struct Call(u64);
pub struct Cast(u64);

impl Message<Call> for Adder {
    type Reply = u64;

    async fn handle(&mut self, Call(n): Call, _: &mut Context<Self, u64>) -> u64 {
        self.0 += n;
        self.0
    }
}

impl Message<Cast> for Adder {
    type Reply = ();

    async fn handle(&mut self, Cast(n): Cast, _: &mut Context<Self, ()>) {
        self.0 += n;
    }
}

fn adder() -> ActorRef<Adder> {
    Adder::spawn_with_mailbox((), mailbox::unbounded())
}

async fn ask(actor: &ActorRef<Adder>, n: u64, timeout: Option<Duration>) -> u64 {
    match timeout {
        None => actor.ask(Call(n)).await.expect("reply"),
        Some(t) => actor.ask(Call(n)).reply_timeout(t).await.expect("reply"),
    }
}

async fn stop(actor: &ActorRef<Adder>) {
    actor.stop_gracefully().await.expect("stop adder");
    actor.wait_for_shutdown().await;
}

pub fn call_round_trip(ex: &impl Exec, timeout: Option<Duration>) -> Figure {
    per_op(ex, move || {
        boxed(on_worker(async move {
            let actor = adder();
            for i in 0..CALLS {
                ask(&actor, i, timeout).await;
            }
            stop(&actor).await;
            CALLS
        }))
    })
}

pub fn cast_throughput(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let actor = adder();
            for i in 0..CASTS {
                actor.tell(Cast(i)).await.expect("tell");
            }
            ask(&actor, 0, None).await;
            stop(&actor).await;
            CASTS
        }))
    })
}

pub fn fan_in(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let actor = adder();
            let clients: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    let actor = actor.clone();
                    tokio::spawn(async move {
                        for i in 0..CALLS_PER_CLIENT {
                            ask(&actor, i, None).await;
                        }
                    })
                })
                .collect();
            for c in clients {
                c.await.expect("client ends");
            }
            stop(&actor).await;
            CLIENTS * CALLS_PER_CLIENT
        }))
    })
}

/// `spawn` returns before the actor's `on_start` ran; this waits for every start, so that the
/// figure is the time until `n` actors are up, as for the others.
async fn spawn_idle(n: u64) -> Vec<ActorRef<Adder>> {
    let actors: Vec<_> = (0..n).map(|_| adder()).collect();
    for a in &actors {
        a.wait_for_startup().await;
    }
    actors
}

/// Spawns `IDLE` adders, then stops them all (`stop_gracefully`) and waits for every shutdown.
pub fn idle(ex: &impl Exec) -> Idle {
    harness::idle(
        ex,
        IDLE,
        || on_worker(spawn_idle(IDLE)),
        |actors| {
            on_worker(async move {
                for a in &actors {
                    a.stop_gracefully().await.expect("stop adder");
                }
                for a in &actors {
                    a.wait_for_shutdown().await;
                }
            })
        },
    )
}

/// Resident bytes per idle adder (run in a fresh process).
pub fn rss(ex: &impl Exec, before: u64) -> f64 {
    ex.drive(async {
        let actors = on_worker(spawn_idle(IDLE)).await;
        let per = (harness::rss_bytes() - before) as f64 / IDLE as f64;
        drop(actors);
        per
    })
}

/// A worker that announces every start of its own to the bench, and panics when told to.
#[derive(Clone)]
pub struct Crasher {
    started: mpsc::UnboundedSender<ActorRef<Crasher>>,
}

impl Actor for Crasher {
    type Args = Self;
    type Error = Infallible;

    async fn on_start(me: Self, actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        let _ = me.started.send(actor_ref);
        Ok(me)
    }
}

pub struct Crash;

impl Message<Crash> for Crasher {
    type Reply = ();

    async fn handle(&mut self, _: Crash, _: &mut Context<Self, ()>) {
        panic!("Boom")
    }
}

/// The supervisor: kameo's default strategy (one_for_one) does the restarts.
pub struct Supervisor;

impl Actor for Supervisor {
    type Args = ();
    type Error = Infallible;

    async fn on_start(_: (), _: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(Supervisor)
    }
}

/// Crash-to-restarted: tell the child to panic, wait until its replacement has run `on_start`,
/// repeat. The restart limit is lifted (kameo's default is 5 restarts in 5 seconds).
pub fn restart(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let (tx, mut started) = mpsc::unbounded_channel();
            let sup = Supervisor::spawn_with_mailbox((), mailbox::unbounded());
            Crasher::supervise(&sup, Crasher { started: tx })
                .restart_limit(u32::MAX, Duration::from_secs(1))
                .spawn_with_mailbox(mailbox::unbounded())
                .await;
            let mut child = started.recv().await.expect("first child");
            for _ in 0..CRASHES {
                child.tell(Crash).await.expect("crash");
                child = started.recv().await.expect("restarted child");
            }
            sup.stop_gracefully().await.expect("stop supervisor");
            sup.wait_for_shutdown().await;
            CRASHES
        }))
    })
}
