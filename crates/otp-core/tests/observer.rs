//! The observer's view of supervision trees: restart counts per child and per supervisor,
//! nested supervisors of both kinds, and what it says about processes that are not there.

mod common;

use common::{in_node, spawn_idle_linked};
use otp_core::observer::{self, ObserveError, SupervisorKind};
use otp_core::supervisor::{self, ChildPid, ChildSpec, Options, Restart, Strategy};
use otp_core::{ExitReason, Node, Pid, dynamic_supervisor, process};

fn idle(id: &'static str) -> ChildSpec {
    ChildSpec::new(id, || async { Ok(spawn_idle_linked()) })
}

fn pid_of(view: &observer::ChildView) -> Pid {
    view.pid.pid().cloned().expect("the child runs")
}

async fn kill(pid: &Pid) {
    process::exit(pid, ExitReason::Kill);
    pid.wait_exit().await;
    // Let the supervisor handle the exit.
    process::sleep(1).await;
}

#[tokio::test(start_paused = true)]
async fn rest_for_one_counts_a_restart_for_every_child_it_restarts() {
    let node = Node::new();
    let (before, after) = in_node(&node, async {
        let opts = Options::new().strategy(Strategy::RestForOne);
        let sup = supervisor::start_link(vec![idle("a"), idle("b"), idle("c")], opts)
            .await
            .unwrap();
        let before = observer::supervision_tree(&sup).await.unwrap();
        kill(&pid_of(&before.children[1])).await;
        (before, observer::supervision_tree(&sup).await.unwrap())
    })
    .await;
    let counts = |v: &observer::SupervisorView| -> Vec<u64> {
        v.children.iter().map(|c| c.restarts).collect()
    };
    assert_eq!(counts(&before), [0, 0, 0]);
    assert_eq!(counts(&after), [0, 1, 1], "b crashed, c went with it");
    assert_eq!((after.restarts, after.recent_restarts), (1, 1));
    assert_eq!(after.kind, SupervisorKind::Supervisor);
    assert_eq!(after.strategy, Strategy::RestForOne);
    assert_eq!((after.max_restarts, after.max_seconds), (3, 5));
    assert_eq!(pid_of(&after.children[0]), pid_of(&before.children[0]));
}

#[tokio::test(start_paused = true)]
async fn recent_restarts_leave_the_window_but_the_total_stays() {
    let node = Node::new();
    let (soon, later) = in_node(&node, async {
        let sup = supervisor::start_link(vec![idle("a")], Options::new())
            .await
            .unwrap();
        let view = observer::supervision_tree(&sup).await.unwrap();
        kill(&pid_of(&view.children[0])).await;
        let soon = observer::supervision_tree(&sup).await.unwrap();
        process::sleep(6_000).await;
        (soon, observer::supervision_tree(&sup).await.unwrap())
    })
    .await;
    assert_eq!((soon.restarts, soon.recent_restarts), (1, 1));
    assert_eq!((later.restarts, later.recent_restarts), (1, 0));
    assert_eq!(later.children[0].restarts, 1);
}

#[tokio::test(start_paused = true)]
async fn restarting_by_hand_is_not_a_restart_the_supervisor_counts() {
    let node = Node::new();
    let view = in_node(&node, async {
        let sup = supervisor::start_link(vec![idle("a")], Options::new())
            .await
            .unwrap();
        supervisor::terminate_child(&sup, "a").await.unwrap();
        let stopped = observer::supervision_tree(&sup).await.unwrap();
        assert_eq!(stopped.children[0].pid, ChildPid::Undefined);
        assert_eq!(stopped.children[0].message_queue_len, 0);
        supervisor::restart_child(&sup, "a").await.unwrap();
        observer::supervision_tree(&sup).await.unwrap()
    })
    .await;
    assert!(view.children[0].pid.pid().is_some());
    assert_eq!((view.children[0].restarts, view.restarts), (0, 0));
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_under_a_supervisor_is_walked_too() {
    let node = Node::new();
    let (tree, text) = in_node(&node, async {
        let rooms = dynamic_supervisor::child_spec(
            "Rooms",
            dynamic_supervisor::Options::new()
                .name("Rooms")
                .max_children(5),
        );
        let sup = supervisor::start_link(vec![idle("lobby"), rooms], Options::new().name("Top"))
            .await
            .unwrap();
        let kept = dynamic_supervisor::start_child("Rooms", idle("kept"))
            .await
            .unwrap();
        let once = idle("once").restart(Restart::Temporary);
        dynamic_supervisor::start_child("Rooms", once)
            .await
            .unwrap();
        kill(&kept).await;
        let tree = observer::supervision_tree("Top").await.unwrap();
        let text = tree.to_string();
        drop(sup);
        (tree, text)
    })
    .await;
    let rooms = tree.children[1]
        .supervisor
        .as_ref()
        .expect("Rooms is walked");
    assert_eq!(rooms.kind, SupervisorKind::DynamicSupervisor);
    assert_eq!(
        rooms.registered_name.as_ref().map(|a| a.as_str()),
        Some("Rooms")
    );
    assert_eq!(rooms.max_children, Some(5));
    assert_eq!(rooms.restarts, 1);
    // The temporary child was started second but the restarted one has the newest pid.
    let restarts: Vec<(Restart, u64)> = rooms
        .children
        .iter()
        .map(|c| (c.restart, c.restarts))
        .collect();
    assert_eq!(restarts, [(Restart::Temporary, 0), (Restart::Permanent, 1)]);
    assert_eq!(
        text,
        "Top #PID<0.101.0>\n\
         Supervisor :one_for_one, max 3 restarts in 5 s, restarts: 0 (0 in the last 5 s)\n\
         ├── :lobby #PID<0.102.0> :worker :permanent, restarts: 0, queue: 0\n\
         └── Rooms #PID<0.103.0> :supervisor :permanent, restarts: 0, queue: 0\n    \
             DynamicSupervisor :one_for_one, max 3 restarts in 5 s, max_children: 5, restarts: 1 (1 in the last 5 s)\n    \
             ├── :undefined #PID<0.105.0> :worker :temporary, restarts: 0, queue: 0\n    \
             └── :undefined #PID<0.106.0> :worker :permanent, restarts: 1, queue: 0\n"
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_supervisor_says_so_and_dead_or_wrong_roots_are_errors() {
    let node = Node::new();
    in_node(&node, async {
        let sup = supervisor::start_link(vec![], Options::new())
            .await
            .unwrap();
        let text = observer::supervision_tree(&sup).await.unwrap().to_string();
        assert!(text.ends_with("└── (no children)\n"), "{text}");
        let me = process::self_pid();
        assert_eq!(
            observer::supervision_tree(&me).await,
            Err(ObserveError::NotASupervisor(me.clone()))
        );
        supervisor::stop(&sup, ExitReason::Normal, 5000)
            .await
            .unwrap();
        assert_eq!(
            observer::supervision_tree(&sup).await,
            Err(ObserveError::NoProc(sup.pid().to_string()))
        );
        assert_eq!(
            observer::supervision_tree("Missing").await,
            Err(ObserveError::NoProc("Missing".into()))
        );
    })
    .await;
}
