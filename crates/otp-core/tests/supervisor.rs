//! The Supervisor, rule by rule. Time runs on a paused clock and moves only with
//! `tokio::time::advance`; nothing sleeps to wait for something to happen.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::gen_server::{
    self, CallResult, Caller, CastResult, GenServer, Init, Options as GsOptions, StartError,
};
use otp_core::supervisor::{
    self, ChildPid, ChildSpec, ChildType, Counts, Options, Restart, Shutdown, Strategy,
    SupervisorError,
};
use otp_core::{ExitReason, Name, Node, Pid, process};

mod common;
use common::{in_node, starts_once};

type Log = Arc<Mutex<Vec<String>>>;

fn entries(l: &Log) -> Vec<String> {
    l.lock().unwrap().clone()
}

fn clear(l: &Log) {
    l.lock().unwrap().clear();
}

#[derive(Clone, Default)]
struct How {
    trap: bool,
    fail_init: bool,
    terminate_ms: u64,
}

/// A worker that logs its starts and terminates, and exits as it is told.
#[derive(Debug)]
struct W {
    name: String,
    log: Log,
    terminate_ms: u64,
}

#[derive(Debug)]
enum Cast {
    Panic,
    Stop(ExitReason),
}

impl GenServer for W {
    type Arg = (String, Log, How);
    type Call = ();
    type Reply = String;
    type Cast = Cast;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((name, log, how): (String, Log, How)) -> Init<Self> {
        if how.fail_init {
            return Init::Stop(ExitReason::custom("bad_init"));
        }
        if how.trap {
            process::trap_exit(true);
        }
        log.lock().unwrap().push(format!("start {name}"));
        Init::Ok(W {
            name,
            log,
            terminate_ms: how.terminate_ms,
        })
    }

    async fn handle_call(&mut self, _: (), _from: &Caller<String>) -> CallResult<Self> {
        CallResult::Reply(self.name.clone())
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        match msg {
            Cast::Panic => panic!("Boom"),
            Cast::Stop(reason) => CastResult::Stop(reason),
        }
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        self.log
            .lock()
            .unwrap()
            .push(format!("terminate {} {reason}", self.name));
        if self.terminate_ms > 0 {
            process::sleep(self.terminate_ms).await;
            self.log
                .lock()
                .unwrap()
                .push(format!("terminated {}", self.name));
        }
    }

    fn child_spec((name, log, how): (String, Log, How)) -> ChildSpec {
        let id = name.clone();
        ChildSpec::new(id, move || {
            let (name, log, how) = (name.clone(), log.clone(), how.clone());
            async move {
                gen_server::start_link::<W>((name.clone(), log, how), GsOptions::new().name(name))
                    .await
                    .map(|s| s.pid())
            }
        })
        .modules(["W"])
    }
}

fn spec(name: &str, log: &Log) -> ChildSpec {
    W::child_spec((name.to_string(), log.clone(), How::default()))
}

fn spec_how(name: &str, log: &Log, how: How) -> ChildSpec {
    W::child_spec((name.to_string(), log.clone(), how))
}

fn whereis(name: &str) -> Option<Pid> {
    process::whereis(&Name::local(name))
}

#[tokio::test(start_paused = true)]
async fn children_start_in_order_and_are_listed_newest_first() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let (children, counts) = in_node(&node, async move {
        let sup = supervisor::start_link(
            vec![spec("a", &l), spec("b", &l), spec("c", &l)],
            Options::new().name("sup"),
        )
        .await
        .unwrap();
        (
            supervisor::which_children(&sup).await.unwrap(),
            supervisor::count_children("sup").await.unwrap(),
        )
    })
    .await;
    assert_eq!(entries(&log), vec!["start a", "start b", "start c"]);
    let ids: Vec<String> = children
        .iter()
        .map(|c| c.id.as_ref().unwrap().as_str().to_string())
        .collect();
    assert_eq!(ids, vec!["c", "b", "a"]);
    assert!(
        children
            .iter()
            .all(|c| c.kind == ChildType::Worker && c.modules == vec!["W"])
    );
    assert_eq!(
        counts,
        Counts {
            specs: 3,
            active: 3,
            supervisors: 0,
            workers: 3
        }
    );
    assert_eq!(
        format!("{counts:?}"),
        "%{active: 3, specs: 3, supervisors: 0, workers: 3}"
    );
    assert_eq!(
        format!("{:?}", children[2]),
        format!("{{:a, {}, :worker, [W]}}", children[2].pid.pid().unwrap())
    );
}

#[derive(Clone, Copy, Debug)]
enum Cause {
    Panic,
    StopNormal,
    StopShutdown,
    StopCustom,
    Kill,
}

impl Cause {
    fn reason(self) -> ExitReason {
        match self {
            Cause::Panic => ExitReason::panic("Boom"),
            Cause::StopNormal => ExitReason::Normal,
            Cause::StopShutdown => ExitReason::Shutdown,
            Cause::StopCustom => ExitReason::custom("custom"),
            Cause::Kill => ExitReason::Killed,
        }
    }
}

/// Every strategy x every restart type x every way for a child to exit, with three children
/// a, b, c of that restart type and b exiting, against a model written from OTP's rules.
#[tokio::test(start_paused = true)]
async fn every_strategy_restart_type_and_exit_cause() {
    for strategy in [
        Strategy::OneForOne,
        Strategy::OneForAll,
        Strategy::RestForOne,
    ] {
        for restart in [Restart::Permanent, Restart::Transient, Restart::Temporary] {
            for cause in [
                Cause::Panic,
                Cause::StopNormal,
                Cause::StopShutdown,
                Cause::StopCustom,
                Cause::Kill,
            ] {
                let node = Node::new();
                let log = Log::default();
                let l = log.clone();
                let label = format!("{strategy:?} {restart:?} {cause:?}");
                let (before, after) = in_node(&node, async move {
                    let specs = ["a", "b", "c"]
                        .iter()
                        .map(|n| spec(n, &l).restart(restart))
                        .collect();
                    let sup = supervisor::start_link(
                        specs,
                        Options::new().strategy(strategy).max_restarts(100),
                    )
                    .await
                    .unwrap();
                    let before = supervisor::which_children(&sup).await.unwrap();
                    clear(&l);
                    let b = whereis("b").unwrap();
                    match cause {
                        Cause::Panic => gen_server::cast::<W>(&b, Cast::Panic),
                        Cause::Kill => process::exit(&b, ExitReason::Kill),
                        other => gen_server::cast::<W>(&b, Cast::Stop(other.reason())),
                    }
                    b.wait_exit().await;
                    let after = supervisor::which_children(&sup).await.unwrap();
                    supervisor::stop(&sup, ExitReason::Normal, Duration::from_secs(60))
                        .await
                        .unwrap();
                    (before, after)
                })
                .await;

                // The model.
                let reason = cause.reason();
                let clean = matches!(cause, Cause::StopNormal | Cause::StopShutdown);
                let restarted = match restart {
                    Restart::Permanent => true,
                    Restart::Transient => !clean,
                    Restart::Temporary => false,
                };
                let b_removed = restart == Restart::Temporary;
                // Which of a, b, c get a new process when b is restarted.
                let renewed: Vec<&str> = if !restarted {
                    vec![]
                } else {
                    match strategy {
                        Strategy::OneForOne => vec!["b"],
                        Strategy::OneForAll => vec!["a", "b", "c"],
                        Strategy::RestForOne => vec!["b", "c"],
                    }
                };
                let pid_of = |list: &[supervisor::ChildInfo], id: &str| {
                    list.iter()
                        .find(|c| c.id.as_ref().unwrap().as_str() == id)
                        .map(|c| c.pid.clone())
                };
                for id in ["a", "b", "c"] {
                    let old = pid_of(&before, id).unwrap();
                    let new = pid_of(&after, id);
                    if id == "b" && b_removed {
                        assert_eq!(new, None, "{label}: b must be removed");
                    } else if id == "b" && !restarted {
                        assert_eq!(new, Some(ChildPid::Undefined), "{label}: b stays stopped");
                    } else if renewed.contains(&id) {
                        let new = new.unwrap();
                        assert_ne!(new, old, "{label}: {id} must have a new pid");
                        assert!(new.pid().is_some(), "{label}: {id} must be running");
                    } else {
                        assert_eq!(new, Some(old), "{label}: {id} must be untouched");
                    }
                }
                // terminate ran in b unless it was killed; the others do not trap exits, so
                // they never run it; the restarts come in start order.
                let mut expected = Vec::new();
                if !matches!(cause, Cause::Kill) {
                    expected.push(format!("terminate b {reason}"));
                }
                for id in &renewed {
                    expected.push(format!("start {id}"));
                }
                assert_eq!(entries(&log), expected, "{label}");
                assert_eq!(node.process_count(), 0, "{label}: nothing left behind");
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn trapping_siblings_terminate_in_reverse_order_before_the_restarts() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let seen = in_node(&node, async move {
        let trap = How {
            trap: true,
            ..How::default()
        };
        let specs = vec![
            spec_how("superdave", &l, trap.clone()),
            spec_how("superman", &l, trap.clone()),
            spec_how("supermario", &l, trap.clone()),
        ];
        let sup = supervisor::start_link(specs, Options::new().strategy(Strategy::OneForAll))
            .await
            .unwrap();
        clear(&l);
        let man = whereis("superman").unwrap();
        gen_server::cast::<W>(&man, Cast::Panic);
        man.wait_exit().await;
        supervisor::which_children(&sup).await.unwrap();
        entries(&l)
    })
    .await;
    // As ch3-strategy-one_for_all-trap_exit.txt shows on the BEAM.
    assert_eq!(
        seen,
        vec![
            "terminate superman {panic, \"Boom\"}",
            "terminate supermario :shutdown",
            "terminate superdave :shutdown",
            "start superdave",
            "start superman",
            "start supermario",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn temporary_children_caught_in_a_group_restart_are_not_restarted() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let after = in_node(&node, async move {
        let specs = vec![
            spec("a", &l),
            spec("t", &l).restart(Restart::Temporary),
            spec("c", &l),
        ];
        let sup = supervisor::start_link(specs, Options::new().strategy(Strategy::OneForAll))
            .await
            .unwrap();
        clear(&l);
        let c = whereis("c").unwrap();
        process::exit(&c, ExitReason::Kill);
        c.wait_exit().await;
        supervisor::which_children(&sup).await.unwrap()
    })
    .await;
    let ids: Vec<&str> = after
        .iter()
        .map(|c| c.id.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(ids, vec!["c", "a"]);
    assert_eq!(entries(&log), vec!["start a", "start c"]);
}

#[tokio::test(start_paused = true)]
async fn a_failed_start_rolls_back_in_reverse_order_and_names_the_child() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let result = in_node(&node, async move {
        let trap = How {
            trap: true,
            ..How::default()
        };
        let specs = vec![
            spec_how("a", &l, trap.clone()),
            spec_how("b", &l, trap),
            spec_how(
                "c",
                &l,
                How {
                    fail_init: true,
                    ..How::default()
                },
            ),
            spec("d", &l),
        ];
        let r = supervisor::start_link(specs, Options::new().name("sup")).await;
        let name_free = whereis("sup").is_none();
        (r.map(|s| s.pid()), name_free)
    })
    .await;
    assert_eq!(
        result.0,
        Err(StartError::ChildFailed {
            id: "c".into(),
            reason: Box::new(StartError::Stop(ExitReason::custom("bad_init")))
        })
    );
    assert!(result.1, "the supervisor's name is free again");
    assert_eq!(
        entries(&log),
        vec![
            "start a",
            "start b",
            "terminate b :shutdown",
            "terminate a :shutdown"
        ]
    );
    assert_eq!(node.process_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn stop_shuts_down_in_reverse_and_kills_a_slow_terminate_at_its_timeout() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let took = in_node(&node, async move {
        let slow = |ms| How {
            trap: true,
            terminate_ms: ms,
            ..How::default()
        };
        let specs = vec![
            spec_how("a", &l, slow(200)),
            spec_how("b", &l, slow(10_000)).shutdown(Shutdown::Timeout(1000)),
            spec_how("c", &l, slow(200)),
            spec_how("d", &l, slow(10_000)).shutdown(Shutdown::BrutalKill),
        ];
        let sup = supervisor::start_link(specs, Options::new()).await.unwrap();
        clear(&l);
        let started = tokio::time::Instant::now();
        supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
            .await
            .unwrap();
        started.elapsed()
    })
    .await;
    assert_eq!(
        entries(&log),
        vec![
            // d: brutal_kill, so no terminate at all.
            "terminate c :shutdown",
            "terminated c",
            "terminate b :shutdown",
            // b's terminate is cut short at 1000 ms: no "terminated b".
            "terminate a :shutdown",
            "terminated a",
        ]
    );
    assert_eq!(took, Duration::from_millis(200 + 1000 + 200));
    assert_eq!(
        node.process_count(),
        0,
        "no task left after the supervisor stopped"
    );
}

#[tokio::test(start_paused = true)]
async fn non_trapping_children_die_without_terminate_on_stop() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    in_node(&node, async move {
        let sup = supervisor::start_link(vec![spec("a", &l), spec("b", &l)], Options::new())
            .await
            .unwrap();
        clear(&l);
        supervisor::stop(&sup, ExitReason::Normal, 5000)
            .await
            .unwrap();
    })
    .await;
    assert!(entries(&log).is_empty(), "{:?}", entries(&log));
}

/// Kills the child named `name`, then waits until its supervisor `sup` has dealt with the exit
/// (a call to it is answered only after that), unless the supervisor itself gave up.
async fn kill(name: &str, sup: &str) {
    let p = whereis(name).unwrap();
    process::exit(&p, ExitReason::Kill);
    p.wait_exit().await;
    let _ = supervisor::count_children(sup).await;
}

#[tokio::test(start_paused = true)]
async fn three_restarts_in_five_seconds_are_fine_a_fourth_is_not() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let (survived, died_with) = in_node(&node, async move {
        let sup = supervisor::start_link(
            vec![spec("a", &l), spec("b", &l)],
            Options::new().name("sup"),
        )
        .await
        .unwrap();
        for _ in 0..3 {
            kill("a", "sup").await;
            tokio::time::advance(Duration::from_millis(200)).await;
        }
        let survived = sup.is_alive();
        kill("a", "sup").await;
        (survived, sup.pid().wait_exit().await)
    })
    .await;
    assert!(survived);
    assert_eq!(died_with, ExitReason::Shutdown);
    assert_eq!(
        node.process_count(),
        0,
        "the supervisor took its children down"
    );
}

#[tokio::test(start_paused = true)]
async fn the_intensity_window_edge_is_inclusive() {
    for (gap, survives) in [(5000u64, false), (5001, true)] {
        let node = Node::new();
        let log = Log::default();
        let l = log.clone();
        let alive = in_node(&node, async move {
            let sup = supervisor::start_link(vec![spec("a", &l)], Options::new().name("sup"))
                .await
                .unwrap();
            kill("a", "sup").await;
            tokio::time::advance(Duration::from_millis(1000)).await;
            kill("a", "sup").await;
            tokio::time::advance(Duration::from_millis(1000)).await;
            kill("a", "sup").await;
            tokio::time::advance(Duration::from_millis(gap - 2000)).await;
            kill("a", "sup").await;
            sup.is_alive()
        })
        .await;
        assert_eq!(alive, survives, "fourth restart {gap} ms after the first");
    }
}

#[tokio::test(start_paused = true)]
async fn escalation_goes_up_two_levels() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let (top_reason, starts) = in_node(&node, async move {
        let l2 = l.clone();
        let middle = supervisor::child_spec(
            "middle",
            Options::new().name("middle").max_restarts(1),
            move || vec![spec("worker", &l2)],
        );
        let top = supervisor::start_link(vec![middle], Options::new().max_restarts(1))
            .await
            .unwrap();
        // Two worker deaths: the middle supervisor gives up; the top restarts it (1 restart).
        let first = whereis("middle").unwrap();
        kill("worker", "middle").await;
        kill("worker", "middle").await;
        assert_eq!(first.wait_exit().await, ExitReason::Shutdown);
        let listed = supervisor::which_children(&top).await.unwrap();
        assert_eq!(listed[0].kind, ChildType::Supervisor);
        let second = whereis("middle").unwrap();
        assert_ne!(second, first);
        // Again: the middle supervisor gives up a second time; the top gives up too.
        kill("worker", "middle").await;
        kill("worker", "middle").await;
        assert_eq!(second.wait_exit().await, ExitReason::Shutdown);
        (top.pid().wait_exit().await, entries(&l))
    })
    .await;
    assert_eq!(top_reason, ExitReason::Shutdown);
    assert_eq!(
        starts,
        vec![
            "start worker",
            "start worker",
            "start worker",
            "start worker"
        ]
    );
    assert_eq!(node.process_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_api_returns_what_otp_returns() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    in_node(&node, async move {
        let sup = supervisor::start_link(vec![spec("a", &l)], Options::new().name("app"))
            .await
            .unwrap();
        // start_child
        let b = supervisor::start_child("app", spec("b", &l)).await.unwrap();
        assert_eq!(
            supervisor::start_child("app", spec("b", &l)).await,
            Err(SupervisorError::AlreadyStarted(b.clone()))
        );
        // A different id whose process name is taken.
        assert_eq!(
            supervisor::start_child("app", spec("b", &l).id_as("b2")).await,
            Err(SupervisorError::AlreadyStarted(b.clone()))
        );
        // terminate_child keeps the spec, pid undefined; calls to it fail with noproc.
        assert_eq!(supervisor::terminate_child("app", "b").await, Ok(()));
        let children = supervisor::which_children(&sup).await.unwrap();
        assert_eq!(children[0].pid, ChildPid::Undefined);
        assert_eq!(
            gen_server::call::<W>("b", ()).await,
            Err(gen_server::CallError::NoProc)
        );
        assert_eq!(
            supervisor::start_child("app", spec("b", &l)).await,
            Err(SupervisorError::AlreadyPresent)
        );
        assert_eq!(
            supervisor::count_children(&sup).await.unwrap(),
            Counts {
                specs: 2,
                active: 1,
                supervisors: 0,
                workers: 2
            }
        );
        // restart_child
        let b2 = supervisor::restart_child("app", "b").await.unwrap();
        assert_ne!(b2, b);
        assert_eq!(
            supervisor::restart_child("app", "b").await,
            Err(SupervisorError::Running)
        );
        assert_eq!(
            supervisor::restart_child("app", "nobody").await,
            Err(SupervisorError::NotFound)
        );
        // delete_child
        assert_eq!(
            supervisor::delete_child("app", "b").await,
            Err(SupervisorError::Running)
        );
        assert_eq!(
            supervisor::delete_child("app", "nobody").await,
            Err(SupervisorError::NotFound)
        );
        assert_eq!(
            supervisor::terminate_child("app", "nobody").await,
            Err(SupervisorError::NotFound)
        );
        supervisor::terminate_child("app", "b").await.unwrap();
        assert_eq!(supervisor::delete_child("app", "b").await, Ok(()));
        assert_eq!(supervisor::which_children(&sup).await.unwrap().len(), 1);
        // A child whose init fails.
        let bad = spec_how(
            "bad",
            &l,
            How {
                fail_init: true,
                ..How::default()
            },
        );
        assert_eq!(
            supervisor::start_child("app", bad).await,
            Err(SupervisorError::Start(StartError::Stop(
                ExitReason::custom("bad_init")
            )))
        );
        // A temporary child is removed when terminated.
        supervisor::start_child("app", spec("t", &l).restart(Restart::Temporary))
            .await
            .unwrap();
        supervisor::terminate_child("app", "t").await.unwrap();
        assert_eq!(supervisor::which_children(&sup).await.unwrap().len(), 1);
        // stop
        supervisor::stop("app", ExitReason::Normal, 5000)
            .await
            .unwrap();
        assert_eq!(
            supervisor::which_children("app").await,
            Err(SupervisorError::Call(gen_server::CallError::NoProc))
        );
    })
    .await;
    assert_eq!(node.process_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_transient_child_stopped_normally_stays_listed_as_undefined() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let children = in_node(&node, async move {
        let sup = supervisor::start_link(
            vec![spec("a", &l).restart(Restart::Transient)],
            Options::new(),
        )
        .await
        .unwrap();
        gen_server::stop::<W>("a", ExitReason::Normal, 5000)
            .await
            .unwrap();
        supervisor::which_children(&sup).await.unwrap()
    })
    .await;
    assert_eq!(children[0].pid, ChildPid::Undefined);
    assert_eq!(
        format!("{:?}", children[0]),
        "{:a, :undefined, :worker, [W]}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_default_child_spec_uses_the_module_as_its_id() {
    #[derive(Debug)]
    struct Plain;
    impl GenServer for Plain {
        type Arg = u8;
        type Call = std::convert::Infallible;
        type Reply = ();
        type Cast = std::convert::Infallible;
        type Info = std::convert::Infallible;
        type Continue = std::convert::Infallible;
        async fn init(_: u8) -> Init<Self> {
            Init::Ok(Plain)
        }
    }
    let spec = Plain::child_spec(7);
    assert!(spec.id().as_str().ends_with("Plain"));
    assert_eq!(spec.restart_type(), Restart::Permanent);
    assert_eq!(spec.shutdown_type(), Shutdown::Timeout(5000));
    let node = Node::new();
    let n = in_node(&node, async move {
        let sup = supervisor::start_link(vec![spec], Options::new())
            .await
            .unwrap();
        supervisor::count_children(&sup).await.unwrap().active
    })
    .await;
    assert_eq!(n, 1);
}

#[tokio::test(start_paused = true)]
async fn a_child_that_will_not_restart_is_retried_and_counts_toward_the_intensity() {
    // The child starts once, then every restart fails: the supervisor retries (each attempt
    // counting as a restart) until it gives up.
    let node = Node::new();
    let attempts = Arc::new(Mutex::new(0u32));
    let a = attempts.clone();
    let reason = in_node(&node, async move {
        let flaky = starts_once("flaky", a, "cannot_start");
        let sup = supervisor::start_link(vec![flaky], Options::new())
            .await
            .unwrap();
        let child = supervisor::which_children(&sup).await.unwrap()[0]
            .pid
            .pid()
            .cloned()
            .unwrap();
        process::exit(&child, ExitReason::Kill);
        sup.pid().wait_exit().await
    })
    .await;
    assert_eq!(reason, ExitReason::Shutdown);
    // One start, then three restarts allowed (all failing), the fourth refused.
    assert_eq!(*attempts.lock().unwrap(), 4);
}

/// A supervisor given two children with the same id starts nothing, not even itself, and
/// returns OTP's error: `{:error, {:start_spec, {:duplicate_child_name, id}}}`.
#[tokio::test]
async fn duplicate_child_ids_start_nothing_and_are_a_start_spec_error() {
    let node = Node::new();
    let starts = Arc::new(Mutex::new(0));
    let child = |id: &'static str| {
        let starts = starts.clone();
        ChildSpec::new(id, move || {
            let starts = starts.clone();
            async move {
                *starts.lock().unwrap() += 1;
                Ok(common::spawn_idle_linked())
            }
        })
    };
    let children = vec![child("a"), child("b"), child("a")];
    let (result, processes) = in_node(&node, async move {
        let result = supervisor::start_link(children, Options::new()).await;
        (
            result.map(|s| s.pid()),
            process::current_node().process_count(),
        )
    })
    .await;
    assert_eq!(result, Err(StartError::DuplicateChildName("a".into())));
    assert_eq!(
        StartError::DuplicateChildName("a".into()).to_string(),
        "{:start_spec, {:duplicate_child_name, :a}}"
    );
    assert_eq!(*starts.lock().unwrap(), 0, "no child started");
    assert_eq!(processes, 1, "only the caller: no supervisor either");
}
