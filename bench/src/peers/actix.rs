//! The workloads on actix, written as its documentation shows: an `Actor` with one `Handler<M>`
//! per message type, `Addr::send` for requests (a future resolving to the handler's result),
//! `Addr::do_send` for one-way messages, `Actor::start` on the current arbiter.
//!
//! actix runs on its own `System`: a single-threaded tokio runtime (an arbiter) on the thread
//! that calls `block_on`. Actors started with `start()` live on that one thread, so none of
//! these workloads crosses threads, unlike the others on the 2-worker tokio runtime.
//!
//! No restart row: a panic in an actix handler is not caught by actix (see BENCHMARKS.md).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix::{Actor, Addr, Context, Handler, Message};

use crate::harness::{self, Exec, Figure, Idle, boxed, per_op};
use crate::{CALLS, CALLS_PER_CLIENT, CASTS, CLIENTS, IDLE};

/// How many adders have run `started` and `stopped` so far (actix's `start` returns before the
/// actor runs, and an actor whose last address is dropped stops on its own, with no handle to
/// await: these counters let the idle workload wait for both).
static STARTED: AtomicU64 = AtomicU64::new(0);
static STOPPED: AtomicU64 = AtomicU64::new(0);

/// The adder: casts add to a total, calls add and answer with the total.
pub struct Adder(u64);

impl Actor for Adder {
    type Context = Context<Self>;

    fn started(&mut self, _: &mut Context<Self>) {
        STARTED.fetch_add(1, Ordering::Relaxed);
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        STOPPED.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(Message)]
#[rtype(result = "u64")]
pub struct Call(u64);

#[derive(Message)]
#[rtype(result = "()")]
pub struct Cast(u64);

impl Handler<Call> for Adder {
    type Result = u64;

    fn handle(&mut self, Call(n): Call, _: &mut Context<Self>) -> u64 {
        self.0 += n;
        self.0
    }
}

impl Handler<Cast> for Adder {
    type Result = ();

    fn handle(&mut self, Cast(n): Cast, _: &mut Context<Self>) {
        self.0 += n;
    }
}

async fn ask(actor: &Addr<Adder>, n: u64, timeout: Option<Duration>) -> u64 {
    match timeout {
        None => actor.send(Call(n)).await.expect("reply"),
        Some(t) => actor.send(Call(n)).timeout(t).await.expect("reply"),
    }
}

/// Drops the last addresses of `n` adders and waits until all of them stopped.
async fn stop_all(actors: Vec<Addr<Adder>>) {
    let target = STOPPED.load(Ordering::Relaxed) + actors.len() as u64;
    drop(actors);
    harness::until(|| STOPPED.load(Ordering::Relaxed) >= target).await;
}

pub fn call_round_trip(ex: &impl Exec, timeout: Option<Duration>) -> Figure {
    per_op(ex, move || {
        boxed(async move {
            let actor = Adder(0).start();
            for i in 0..CALLS {
                ask(&actor, i, timeout).await;
            }
            stop_all(vec![actor]).await;
            CALLS
        })
    })
}

pub fn cast_throughput(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            let actor = Adder(0).start();
            for i in 0..CASTS {
                actor.do_send(Cast(i));
            }
            ask(&actor, 0, None).await;
            stop_all(vec![actor]).await;
            CASTS
        })
    })
}

pub fn fan_in(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(async {
            let actor = Adder(0).start();
            let clients: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    let actor = actor.clone();
                    actix::spawn(async move {
                        for i in 0..CALLS_PER_CLIENT {
                            ask(&actor, i, None).await;
                        }
                    })
                })
                .collect();
            for c in clients {
                c.await.expect("client ends");
            }
            stop_all(vec![actor]).await;
            CLIENTS * CALLS_PER_CLIENT
        })
    })
}

/// `start` returns before the actor's `started` ran; this waits for every start.
async fn spawn_idle(n: u64) -> Vec<Addr<Adder>> {
    let target = STARTED.load(Ordering::Relaxed) + n;
    let actors: Vec<_> = (0..n).map(|_| Adder(0).start()).collect();
    harness::until(|| STARTED.load(Ordering::Relaxed) >= target).await;
    actors
}

/// Starts `IDLE` adders, then drops their addresses (an actix actor stops when no address to
/// it is left) and waits until all of them stopped.
pub fn idle(ex: &impl Exec) -> Idle {
    harness::idle(ex, IDLE, || spawn_idle(IDLE), stop_all)
}

/// Resident bytes per idle adder (run in a fresh process).
pub fn rss(ex: &impl Exec, before: u64) -> f64 {
    ex.drive(async {
        let actors = spawn_idle(IDLE).await;
        let per = (harness::rss_bytes() - before) as f64 / IDLE as f64;
        drop(actors);
        per
    })
}

/// actix's runtime: a `System` on the calling thread.
pub fn system() -> actix::SystemRunner {
    actix::System::new()
}
