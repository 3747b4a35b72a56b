//! The workloads on ractor, written as its documentation shows: an `Actor` with a message enum,
//! `call!` / `call_t!` for requests (an `RpcReplyPort` per call), `cast!` for one-way messages,
//! `Actor::spawn` (which waits for `pre_start`), and a supervisor actor that respawns its child
//! with `Actor::spawn_linked` when `handle_supervisor_evt` reports it failed.

use std::time::Duration;

use ractor::{
    Actor, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent, call, call_t, cast,
};
use tokio::sync::mpsc;

use crate::harness::{self, Exec, Figure, Idle, boxed, on_worker, per_op};
use crate::{CALLS, CALLS_PER_CLIENT, CASTS, CLIENTS, CRASHES, IDLE};

/// The adder: casts add to a total, calls add and answer with the total.
pub struct Adder;

pub enum AdderMsg {
    Call(u64, RpcReplyPort<u64>),
    Cast(u64),
}

impl Actor for Adder {
    type Msg = AdderMsg;
    type State = u64;
    type Arguments = ();

    async fn pre_start(&self, _: ActorRef<AdderMsg>, _: ()) -> Result<u64, ActorProcessingErr> {
        Ok(0)
    }

    async fn handle(
        &self,
        _: ActorRef<AdderMsg>,
        msg: AdderMsg,
        total: &mut u64,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            AdderMsg::Call(n, reply) => {
                *total += n;
                let _ = reply.send(*total);
            }
            AdderMsg::Cast(n) => *total += n,
        }
        Ok(())
    }
}

async fn adder() -> (ActorRef<AdderMsg>, tokio::task::JoinHandle<()>) {
    Actor::spawn(None, Adder, ()).await.expect("spawn adder")
}

async fn ask(actor: &ActorRef<AdderMsg>, n: u64, timeout: Option<Duration>) -> u64 {
    match timeout {
        None => call!(actor, AdderMsg::Call, n).expect("reply"),
        Some(t) => call_t!(actor, AdderMsg::Call, t.as_millis() as u64, n).expect("reply"),
    }
}

pub fn call_round_trip(ex: &impl Exec, timeout: Option<Duration>) -> Figure {
    per_op(ex, move || {
        boxed(on_worker(async move {
            let (actor, handle) = adder().await;
            for i in 0..CALLS {
                ask(&actor, i, timeout).await;
            }
            actor.stop(None);
            handle.await.expect("adder ends");
            CALLS
        }))
    })
}

pub fn cast_throughput(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let (actor, handle) = adder().await;
            for i in 0..CASTS {
                cast!(actor, AdderMsg::Cast(i)).expect("cast");
            }
            ask(&actor, 0, None).await;
            actor.stop(None);
            handle.await.expect("adder ends");
            CASTS
        }))
    })
}

pub fn fan_in(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let (actor, handle) = adder().await;
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
            actor.stop(None);
            handle.await.expect("adder ends");
            CLIENTS * CALLS_PER_CLIENT
        }))
    })
}

async fn spawn_idle(n: u64) -> Vec<(ActorRef<AdderMsg>, tokio::task::JoinHandle<()>)> {
    let mut v = Vec::with_capacity(n as usize);
    for _ in 0..n {
        v.push(adder().await);
    }
    v
}

/// Spawns `IDLE` adders (each `spawn` returns once `pre_start` ran), then stops them all with
/// `stop` and waits for every join handle.
pub fn idle(ex: &impl Exec) -> Idle {
    harness::idle(
        ex,
        IDLE,
        || on_worker(spawn_idle(IDLE)),
        |actors| {
            on_worker(async move {
                for (a, _) in &actors {
                    a.stop(None);
                }
                for (_, h) in actors {
                    h.await.expect("adder ends");
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
pub struct Crasher;

pub enum CrasherMsg {
    Crash,
}

impl Actor for Crasher {
    type Msg = CrasherMsg;
    type State = ();
    type Arguments = mpsc::UnboundedSender<ActorRef<CrasherMsg>>;

    async fn pre_start(
        &self,
        myself: ActorRef<CrasherMsg>,
        started: Self::Arguments,
    ) -> Result<(), ActorProcessingErr> {
        let _ = started.send(myself);
        Ok(())
    }

    async fn handle(
        &self,
        _: ActorRef<CrasherMsg>,
        msg: CrasherMsg,
        _: &mut (),
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            CrasherMsg::Crash => panic!("Boom"),
        }
    }
}

/// ractor has no restart strategies of its own: a supervisor is an actor that is told when a
/// linked child fails and decides what to do; this one spawns a new child, as a one_for_one
/// supervisor with unlimited restarts would.
pub struct Supervisor;

impl Actor for Supervisor {
    type Msg = ();
    type State = mpsc::UnboundedSender<ActorRef<CrasherMsg>>;
    type Arguments = mpsc::UnboundedSender<ActorRef<CrasherMsg>>;

    async fn pre_start(
        &self,
        myself: ActorRef<()>,
        started: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        Actor::spawn_linked(None, Crasher, started.clone(), myself.get_cell()).await?;
        Ok(started)
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<()>,
        event: SupervisionEvent,
        started: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        if let SupervisionEvent::ActorFailed(..) = event {
            Actor::spawn_linked(None, Crasher, started.clone(), myself.get_cell()).await?;
        }
        Ok(())
    }
}

/// Crash-to-restarted: tell the child to panic, wait until its replacement has run
/// `pre_start`, repeat.
pub fn restart(ex: &impl Exec) -> Figure {
    per_op(ex, || {
        boxed(on_worker(async {
            let (tx, mut started) = mpsc::unbounded_channel();
            let (sup, handle) = Actor::spawn(None, Supervisor, tx)
                .await
                .expect("spawn supervisor");
            let mut child = started.recv().await.expect("first child");
            for _ in 0..CRASHES {
                cast!(child, CrasherMsg::Crash).expect("crash");
                child = started.recv().await.expect("restarted child");
            }
            sup.stop(None);
            handle.await.expect("supervisor ends");
            CRASHES
        }))
    })
}
