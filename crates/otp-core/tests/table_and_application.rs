//! Tables (owned, shared, deleted with their owner or handed to an heir) and applications.

use otp_core::application::Application;
use otp_core::supervisor::{self, ChildSpec, Options as SupOptions};
use otp_core::table::{Options, Table, TableError};
use otp_core::{Console, ExitReason, Mailbox, Node, Received, process};

mod common;
use common::{in_node, spawn_idle_linked};

/// Spawns a process that makes a table with `opts`, hands it over, and waits to be told to
/// exit.
async fn owner_with_table(opts: Options) -> (otp_core::Addr<()>, Table<String, u32>) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let owner = process::spawn(move |mut inbox: Mailbox<()>| async move {
        let t: Table<String, u32> = Table::new(opts);
        t.insert("yoshi".into(), 1).unwrap();
        tx.send(t).unwrap();
        let _ = inbox.receive().await;
    });
    (owner, rx.await.unwrap())
}

#[tokio::test]
async fn sets_replace_and_bags_accumulate() {
    let node = Node::new();
    in_node(&node, async {
        let set: Table<&'static str, u32> = Table::new(Options::set());
        set.insert("k", 1).unwrap();
        set.insert("k", 2).unwrap();
        assert_eq!(set.lookup(&"k").unwrap(), vec![2]);
        let bag: Table<&'static str, u32> = Table::new(Options::bag());
        bag.insert("k", 1).unwrap();
        bag.insert("k", 2).unwrap();
        bag.insert("k", 2).unwrap();
        assert_eq!(bag.lookup(&"k").unwrap(), vec![1, 2]);
        bag.delete_object(&"k", &1).unwrap();
        assert_eq!(bag.lookup(&"k").unwrap(), vec![2]);
        assert!(bag.member(&"k").unwrap());
        bag.delete(&"k").unwrap();
        assert!(!bag.member(&"k").unwrap());
        assert_eq!(set.len().unwrap(), 1);
        assert_eq!(set.to_list().unwrap(), vec![("k", 2)]);
        assert_eq!(set.get(&"missing").unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn access_rules_follow_ets() {
    let node = Node::new();
    in_node(&node, async {
        let (owner, protected) = owner_with_table(Options::set()).await;
        assert_eq!(
            protected.get(&"yoshi".into()).unwrap(),
            Some(1),
            "anyone reads"
        );
        assert!(matches!(
            protected.insert("mario".into(), 2),
            Err(TableError::Access { op: "insert", .. })
        ));
        let (owner2, private) = owner_with_table(Options::set().private()).await;
        assert!(matches!(
            private.lookup(&"yoshi".into()),
            Err(TableError::Access { op: "lookup", .. })
        ));
        let (owner3, public) = owner_with_table(Options::set().public()).await;
        public.insert("mario".into(), 2).unwrap();
        assert_eq!(public.len().unwrap(), 2);
        for o in [owner, owner2, owner3] {
            o.send(());
            o.pid().wait_exit().await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_table_is_deleted_with_its_owner() {
    let node = Node::new();
    in_node(&node, async {
        let (owner, t) = owner_with_table(Options::set().public()).await;
        process::exit(&owner.pid(), ExitReason::Kill);
        owner.pid().wait_exit().await;
        assert!(!t.exists());
        assert!(matches!(
            t.lookup(&"yoshi".into()),
            Err(TableError::Deleted(_))
        ));
        assert_eq!(t.owner(), None);
    })
    .await;
}

#[tokio::test]
async fn an_heir_keeps_the_table_when_the_owner_dies() {
    let node = Node::new();
    in_node(&node, async {
        let heir = process::spawn(|mut inbox: Mailbox<()>| async move {
            let _ = inbox.receive().await;
        });
        let (owner, t) = owner_with_table(Options::set().heir(heir.pid())).await;
        process::exit(&owner.pid(), ExitReason::Kill);
        owner.pid().wait_exit().await;
        assert!(t.exists());
        assert_eq!(t.owner(), Some(heir.pid()));
        assert_eq!(
            t.get(&"yoshi".into()).unwrap(),
            Some(1),
            "the state survived"
        );
        // The heir has no heir: when it goes, the table goes.
        heir.send(());
        heir.pid().wait_exit().await;
        assert!(!t.exists());
    })
    .await;
}

#[tokio::test]
async fn give_away_and_delete_table_are_for_the_owner() {
    let node = Node::new();
    in_node(&node, async {
        let t: Table<u8, u8> = Table::new(Options::set());
        let other = process::spawn(|mut inbox: Mailbox<Table<u8, u8>>| async move {
            if let Received::Msg(t) = inbox.receive().await {
                t.insert(1, 1).unwrap();
                assert!(matches!(t.delete_table(), Ok(())));
            }
        });
        t.give_away(&other.pid()).unwrap();
        assert!(matches!(t.insert(2, 2), Err(TableError::Access { .. })));
        other.send(t.clone());
        other.pid().wait_exit().await;
        assert!(!t.exists());
    })
    .await;
}

fn idle_child(name: &'static str) -> ChildSpec {
    ChildSpec::new(name, move || async move {
        let p = spawn_idle_linked();
        process::register(name, p.clone()).unwrap();
        Ok(p)
    })
}

#[tokio::test(start_paused = true)]
async fn an_application_stops_its_tree_and_reports_how_it_went() {
    otp_core::logger::init_console();
    let console = Console::capture();
    let node = Node::with_console(console.clone());
    let app = Application::start(&node, "super_duper", || async {
        supervisor::start_link(
            vec![idle_child("superdave"), idle_child("superman")],
            SupOptions::new().name("SuperDuper.Supervisor"),
        )
        .await
        .map(|s| s.pid())
    })
    .await
    .unwrap();
    assert!(app.is_running());
    let top = app.top().unwrap();
    assert_eq!(node.whereis("SuperDuper.Supervisor"), Some(top.clone()));
    assert_eq!(app.stop().await, ExitReason::custom("stopped"));
    assert!(!top.is_alive());
    assert_eq!(node.process_count(), 0);
    assert_eq!(
        console.contents(),
        "\n[notice] Application super_duper exited: :stopped\n"
    );
}

#[tokio::test(start_paused = true)]
async fn an_application_ends_when_its_top_supervisor_gives_up() {
    otp_core::logger::init_console();
    let console = Console::capture();
    let node = Node::with_console(console.clone());
    let app = Application::start(&node, "super_duper", || async {
        supervisor::start_link(vec![idle_child("superman")], SupOptions::new())
            .await
            .map(|s| s.pid())
    })
    .await
    .unwrap();
    let top = app.top().unwrap();
    let reason = node
        .run(async move {
            for _ in 0..4 {
                let p = process::whereis(&"superman".into()).unwrap();
                process::exit(&p, ExitReason::Kill);
                p.wait_exit().await;
                // Let the supervisor restart it (or give up) before the next kill.
                let _ = supervisor::count_children(&top).await;
            }
        })
        .await;
    assert!(reason.is_ok());
    assert_eq!(app.wait().await, ExitReason::Shutdown);
    assert_eq!(
        console.contents(),
        "\n[notice] Application super_duper exited: shutdown\n"
    );
}

#[tokio::test]
async fn a_failed_application_start_is_an_error() {
    let node = Node::new();
    let r = Application::start(&node, "broken", || async {
        Err(otp_core::gen_server::StartError::Stop(ExitReason::custom(
            "no",
        )))
    })
    .await;
    assert!(r.is_err());
    assert_eq!(node.process_count(), 0);
}
