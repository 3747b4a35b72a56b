//! The DynamicSupervisor, rule by rule, under a paused clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::dynamic_supervisor::{self, Options};
use otp_core::gen_server::{self, CastResult, GenServer, Init, Options as GsOptions, StartError};
use otp_core::supervisor::{ChildPid, ChildSpec, Counts, Restart, Shutdown, SupervisorError};
use otp_core::{ExitReason, Node, Pid, process};

mod common;
use common::{in_node, spawn_idle_linked, starts_once};

type Log = Arc<Mutex<Vec<String>>>;

/// A worker that traps exits and takes `terminate_ms` to terminate.
#[derive(Debug)]
struct Slow {
    name: String,
    log: Log,
    terminate_ms: u64,
}

impl GenServer for Slow {
    type Arg = (String, Log, u64);
    type Call = std::convert::Infallible;
    type Reply = ();
    type Cast = ExitReason;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((name, log, terminate_ms): Self::Arg) -> Init<Self> {
        process::trap_exit(true);
        log.lock().unwrap().push(format!("start {name}"));
        Init::Ok(Slow {
            name,
            log,
            terminate_ms,
        })
    }

    async fn handle_cast(&mut self, reason: ExitReason) -> CastResult<Self> {
        CastResult::Stop(reason)
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        process::sleep(self.terminate_ms).await;
        self.log
            .lock()
            .unwrap()
            .push(format!("terminated {} {reason}", self.name));
    }
}

fn slow(name: &str, log: &Log, terminate_ms: u64) -> ChildSpec {
    let (name, log) = (name.to_string(), log.clone());
    ChildSpec::new(name.clone(), move || {
        let arg = (name.clone(), log.clone(), terminate_ms);
        async move {
            gen_server::start_link::<Slow>(arg, GsOptions::new())
                .await
                .map(|s| s.pid())
        }
    })
    .modules(["Slow"])
}

#[tokio::test(start_paused = true)]
async fn children_are_listed_without_ids_in_start_order_and_counted() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let (children, counts, pids) = in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new().name("dyn"))
            .await
            .unwrap();
        let a = dynamic_supervisor::start_child("dyn", slow("a", &l, 0))
            .await
            .unwrap();
        let b = dynamic_supervisor::start_child(&sup, slow("b", &l, 0))
            .await
            .unwrap();
        (
            dynamic_supervisor::which_children(&sup).await.unwrap(),
            dynamic_supervisor::count_children(&sup).await.unwrap(),
            vec![a, b],
        )
    })
    .await;
    assert_eq!(
        format!("{children:?}"),
        format!(
            "[{{:undefined, {}, :worker, [Slow]}}, {{:undefined, {}, :worker, [Slow]}}]",
            pids[0], pids[1]
        )
    );
    assert_eq!(
        counts,
        Counts {
            specs: 2,
            active: 2,
            supervisors: 0,
            workers: 2
        }
    );
}

#[tokio::test(start_paused = true)]
async fn terminate_child_by_pid_gives_ok_or_not_found() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new())
            .await
            .unwrap();
        let a = dynamic_supervisor::start_child(&sup, slow("a", &l, 0))
            .await
            .unwrap();
        assert_eq!(dynamic_supervisor::terminate_child(&sup, &a).await, Ok(()));
        assert!(!a.is_alive());
        assert_eq!(
            dynamic_supervisor::terminate_child(&sup, &a).await,
            Err(SupervisorError::NotFound)
        );
        assert!(
            dynamic_supervisor::which_children(&sup)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
    assert_eq!(
        log.lock().unwrap().clone(),
        vec!["start a", "terminated a :shutdown"]
    );
}

#[tokio::test(start_paused = true)]
async fn max_children_counts_children_being_restarted_too() {
    let node = Node::new();
    let attempts = Arc::new(Mutex::new(0u32));
    let a = attempts.clone();
    in_node(&node, async move {
        let sup =
            dynamic_supervisor::start_link(Options::new().max_children(2).max_restarts(u32::MAX))
                .await
                .unwrap();
        // A child that starts once and then fails every restart: it stays "restarting".
        let flaky = starts_once("flaky", a, "nope");
        let first = dynamic_supervisor::start_child(&sup, flaky).await.unwrap();
        process::exit(&first, ExitReason::Kill);
        first.wait_exit().await;
        let listed = dynamic_supervisor::which_children(&sup).await.unwrap();
        assert_eq!(listed[0].pid, ChildPid::Restarting);
        let log = Log::default();
        dynamic_supervisor::start_child(&sup, slow("b", &log, 0))
            .await
            .unwrap();
        assert_eq!(
            dynamic_supervisor::start_child(&sup, slow("c", &log, 0)).await,
            Err(SupervisorError::MaxChildren)
        );
        // Stop the retrying before the intensity does.
        dynamic_supervisor::stop(&sup, ExitReason::Normal, 5000)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn ignore_and_failed_starts_keep_nothing() {
    let node = Node::new();
    in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new())
            .await
            .unwrap();
        let ignored = ChildSpec::new("ignored", || async { Err(StartError::Ignore) });
        assert_eq!(
            dynamic_supervisor::start_child(&sup, ignored).await,
            Err(SupervisorError::Start(StartError::Ignore))
        );
        let failed = ChildSpec::new("failed", || async {
            Err(StartError::Stop(ExitReason::custom("bad")))
        });
        assert_eq!(
            dynamic_supervisor::start_child(&sup, failed).await,
            Err(SupervisorError::Start(StartError::Stop(
                ExitReason::custom("bad")
            )))
        );
        assert_eq!(
            dynamic_supervisor::count_children(&sup)
                .await
                .unwrap()
                .specs,
            0
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn restart_types_follow_otp_and_restarted_children_get_new_pids() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new().max_restarts(100))
            .await
            .unwrap();
        let perm = dynamic_supervisor::start_child(&sup, slow("perm", &l, 0))
            .await
            .unwrap();
        let trans =
            dynamic_supervisor::start_child(&sup, slow("trans", &l, 0).restart(Restart::Transient))
                .await
                .unwrap();
        let temp =
            dynamic_supervisor::start_child(&sup, slow("temp", &l, 0).restart(Restart::Temporary))
                .await
                .unwrap();
        for pid in [&perm, &trans, &temp] {
            gen_server::cast::<Slow>(pid, ExitReason::Normal);
            pid.wait_exit().await;
        }
        let children = dynamic_supervisor::which_children(&sup).await.unwrap();
        // Permanent came back with a new pid; transient and temporary exited normally: gone.
        assert_eq!(children.len(), 1);
        let new = children[0].pid.pid().unwrap().clone();
        assert_ne!(new, perm);
        // A transient child that crashes comes back.
        let trans =
            dynamic_supervisor::start_child(&sup, slow("trans", &l, 0).restart(Restart::Transient))
                .await
                .unwrap();
        process::exit(&trans, ExitReason::Kill);
        trans.wait_exit().await;
        assert_eq!(
            dynamic_supervisor::count_children(&sup)
                .await
                .unwrap()
                .active,
            2
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_restart_intensity_applies() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let reason = in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new())
            .await
            .unwrap();
        dynamic_supervisor::start_child(&sup, slow("a", &l, 0))
            .await
            .unwrap();
        for _ in 0..4 {
            let child = dynamic_supervisor::which_children(&sup).await;
            let Ok(child) = child else { break };
            let pid = child[0].pid.pid().unwrap().clone();
            process::exit(&pid, ExitReason::Kill);
            pid.wait_exit().await;
        }
        sup.pid().wait_exit().await
    })
    .await;
    assert_eq!(reason, ExitReason::Shutdown);
    assert_eq!(node.process_count(), 0);
}

/// Five children whose terminate takes 200 ms: stopping the supervisor takes 200 ms, not
/// 1000 ms, because they are stopped together (on the BEAM too: probe-shutdown-semantics).
/// The clock is paused, so this is a property of the schedule, not a timing measurement.
#[tokio::test(start_paused = true)]
async fn children_are_stopped_concurrently() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let took = in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new())
            .await
            .unwrap();
        for n in 1..=5 {
            dynamic_supervisor::start_child(&sup, slow(&format!("c{n}"), &l, 200))
                .await
                .unwrap();
        }
        let began = tokio::time::Instant::now();
        dynamic_supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
            .await
            .unwrap();
        began.elapsed()
    })
    .await;
    assert_eq!(took, Duration::from_millis(200));
    let terminated = log
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.starts_with("terminated"))
        .count();
    assert_eq!(terminated, 5);
    assert_eq!(node.process_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn each_child_gets_its_own_shutdown_time() {
    let node = Node::new();
    let log = Log::default();
    let l = log.clone();
    let took = in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new())
            .await
            .unwrap();
        dynamic_supervisor::start_child(
            &sup,
            slow("quick", &l, 10_000).shutdown(Shutdown::Timeout(100)),
        )
        .await
        .unwrap();
        dynamic_supervisor::start_child(
            &sup,
            slow("patient", &l, 300).shutdown(Shutdown::Timeout(1000)),
        )
        .await
        .unwrap();
        dynamic_supervisor::start_child(
            &sup,
            slow("brutal", &l, 300).shutdown(Shutdown::BrutalKill),
        )
        .await
        .unwrap();
        let began = tokio::time::Instant::now();
        dynamic_supervisor::stop(&sup, ExitReason::Normal, otp_core::Timeout::Infinity)
            .await
            .unwrap();
        began.elapsed()
    })
    .await;
    assert_eq!(took, Duration::from_millis(300));
    let log = log.lock().unwrap().clone();
    assert!(log.contains(&"terminated patient :shutdown".to_string()));
    assert!(
        !log.iter().any(|e| e.starts_with("terminated quick")),
        "killed at 100 ms"
    );
    assert!(
        !log.iter().any(|e| e.starts_with("terminated brutal")),
        "killed at once"
    );
}

#[tokio::test(start_paused = true)]
async fn extra_arguments_come_before_the_childs_own() {
    let node = Node::new();
    let got = in_node(&node, async move {
        let sup =
            dynamic_supervisor::start_link(Options::new().extra_arguments("shared".to_string()))
                .await
                .unwrap();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let s = seen.clone();
        let spec = ChildSpec::with_extra("x", move |extra: &String| {
            s.lock().unwrap().push(format!("{extra} + own"));
            async { Ok(spawn_idle_linked()) }
        });
        dynamic_supervisor::start_child(&sup, spec).await.unwrap();
        // A spec expecting other extra arguments fails to start, with a reason saying so.
        let wrong = ChildSpec::with_extra("y", |_: &u64| async { Ok(spawn_idle_linked()) });
        let err = dynamic_supervisor::start_child(&sup, wrong).await;
        let got = seen.lock().unwrap().clone();
        (got, err)
    })
    .await;
    assert_eq!(got.0, vec!["shared + own"]);
    assert!(matches!(
        got.1,
        Err(SupervisorError::Start(StartError::Stop(_)))
    ));
}

#[tokio::test(start_paused = true)]
async fn stopping_many_children_leaves_nothing_behind() {
    let node = Node::new();
    in_node(&node, async move {
        let sup = dynamic_supervisor::start_link(Options::new())
            .await
            .unwrap();
        let spec = ChildSpec::new("idle", || async { Ok(spawn_idle_linked()) });
        let mut pids: Vec<Pid> = Vec::new();
        for _ in 0..2000 {
            pids.push(
                dynamic_supervisor::start_child(&sup, spec.clone())
                    .await
                    .unwrap(),
            );
        }
        dynamic_supervisor::stop(&sup, ExitReason::Normal, 5000)
            .await
            .unwrap();
        assert!(pids.iter().all(|p| !p.is_alive()));
    })
    .await;
    assert_eq!(node.process_count(), 0);
}
