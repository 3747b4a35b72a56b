//! The process layer's rules: spawning, mailboxes, exit signals, links, monitors, names, info.
//!
//! Nothing here sleeps to wait for something to happen: tests wait on exits
//! (`Pid::wait_exit`), on messages, or on monitors.

use otp_core::process::{self, LinkError, RegisterError, Status};
use otp_core::{Atom, ExitReason, Mailbox, Name, Node, Peek, Pid, Received};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::oneshot;

/// A process that waits for ever (until a signal stops it).
fn idle() -> impl FnOnce(Mailbox<()>) -> std::future::Pending<()> {
    |_inbox| std::future::pending()
}

/// A process that traps exits and forwards everything it receives to `out`.
fn trapper(
    out: tokio::sync::mpsc::UnboundedSender<String>,
) -> impl FnOnce(Mailbox<()>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    move |mut inbox| {
        Box::pin(async move {
            process::trap_exit(true);
            loop {
                let text = match inbox.receive().await {
                    Received::Msg(()) => "msg".to_string(),
                    Received::Exit { from, reason } => format!("EXIT {from} {reason}"),
                    Received::Down(d) => format!("DOWN {} {}", d.pid, d.reason),
                    Received::NodeDown(node) => format!("NODEDOWN {node}"),
                };
                if out.send(text).is_err() {
                    return;
                }
            }
        })
    }
}

#[tokio::test]
async fn pids_count_up_per_node_from_100() {
    let a = Node::new();
    let b = Node::new();
    let first_a = a.spawn(idle()).pid();
    let second_a = a.spawn(idle()).pid();
    let first_b = b.spawn(idle()).pid();
    assert_eq!(first_a.to_string(), "#PID<0.100.0>");
    assert_eq!(second_a.to_string(), "#PID<0.101.0>");
    assert_eq!(first_b.to_string(), "#PID<0.100.0>");
    assert_ne!(first_a, first_b, "same number, different nodes");
    assert_eq!(a.process_count(), 2);
}

#[tokio::test]
async fn messages_arrive_in_order_and_receive_times_out() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    let addr = node.spawn(move |mut inbox: Mailbox<u32>| async move {
        let mut got = Vec::new();
        while let Some(Received::Msg(n)) = inbox.receive_timeout(50).await {
            got.push(n);
        }
        tx.send(got).unwrap();
    });
    for n in 0..100 {
        addr.send(n);
    }
    assert_eq!(rx.await.unwrap(), (0..100).collect::<Vec<_>>());
    assert_eq!(addr.pid().wait_exit().await, ExitReason::Normal);
}

#[tokio::test]
async fn selective_receive_leaves_other_messages_in_order() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    let addr = node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
        let urgent = inbox
            .receive_match(|m| matches!(m, Peek::Msg(s) if s.starts_with('!')))
            .await;
        let rest: Vec<&str> = inbox
            .flush()
            .into_iter()
            .filter_map(|m| match m {
                Received::Msg(s) => Some(s),
                _ => None,
            })
            .collect();
        let Received::Msg(urgent) = urgent else {
            unreachable!()
        };
        tx.send((urgent, rest)).unwrap();
    });
    addr.send("a");
    addr.send("b");
    addr.send("!now");
    addr.send("c");
    let (urgent, rest) = rx.await.unwrap();
    assert_eq!(urgent, "!now");
    assert_eq!(rest, vec!["a", "b", "c"]);
}

#[tokio::test]
async fn send_to_a_dead_process_is_a_no_op() {
    let node = Node::new();
    let addr = node.spawn(|_inbox: Mailbox<u8>| async {});
    addr.pid().wait_exit().await;
    addr.send(1);
    assert!(addr.try_send(2).is_err());
    assert!(!addr.is_alive());
}

#[tokio::test]
async fn a_panic_becomes_the_exit_reason_and_the_node_lives_on() {
    let node = Node::new();
    let addr = node.spawn(|_inbox: Mailbox<()>| async { panic!("oh snap") });
    assert_eq!(addr.pid().wait_exit().await, ExitReason::panic("oh snap"));
    let after = node.run(async { 1 + 1 }).await;
    assert_eq!(after, Ok(2));
}

/// Links x trap_exit x each reason: what happens to the process linked to one that exits.
#[tokio::test]
async fn links_follow_the_otp_rules_for_every_reason() {
    let reasons = [
        ExitReason::Normal,
        ExitReason::Shutdown,
        ExitReason::shutdown_with("bye"),
        ExitReason::custom("boom"),
        ExitReason::panic("Boom"),
        ExitReason::Killed,
    ];
    for reason in reasons {
        for trapping in [false, true] {
            let node = Node::new();
            let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
            let watcher = if trapping {
                node.spawn(trapper(out_tx)).pid()
            } else {
                node.spawn(idle()).pid()
            };
            let (go_tx, go_rx) = oneshot::channel::<()>();
            let dying_reason = reason.clone();
            let watcher_for_link = watcher.clone();
            let dying = node
                .spawn(move |_inbox: Mailbox<()>| async move {
                    process::link(&watcher_for_link).unwrap();
                    go_rx.await.unwrap();
                    if let ExitReason::Panic(m) = &dying_reason {
                        panic!("{m}");
                    }
                    process::exit_self(dying_reason).await;
                })
                .pid();
            go_tx.send(()).unwrap();
            assert_eq!(dying.wait_exit().await, reason);
            if trapping {
                let seen = out_rx.recv().await.unwrap();
                assert_eq!(seen, format!("EXIT {dying} {reason}"), "trapping, {reason}");
                assert!(watcher.is_alive());
            } else if reason.is_normal() {
                // Normal does not kill a linked process: prove it is still alive and unlinked.
                assert!(watcher.is_alive(), "normal must not kill");
                assert!(!process::is_linked(&watcher, &dying));
            } else {
                assert_eq!(watcher.wait_exit().await, reason, "not trapping, {reason}");
            }
        }
    }
}

#[tokio::test]
async fn kill_cannot_be_trapped_and_links_see_killed() {
    let node = Node::new();
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let observer = node.spawn(trapper(out_tx)).pid();
    let (ready_tx, ready_rx) = oneshot::channel();
    let observer_link = observer.clone();
    let victim = node
        .spawn(move |_inbox: Mailbox<()>| async move {
            process::trap_exit(true);
            process::link(&observer_link).unwrap();
            ready_tx.send(()).unwrap();
            std::future::pending::<()>().await
        })
        .pid();
    ready_rx.await.unwrap();
    let target = victim.clone();
    node.run(async move { process::exit(&target, ExitReason::Kill) })
        .await
        .unwrap();
    assert_eq!(victim.wait_exit().await, ExitReason::Killed);
    assert_eq!(
        out_rx.recv().await.unwrap(),
        format!("EXIT {victim} :killed")
    );
}

#[tokio::test]
async fn exit_signals_from_exit_2_follow_trap_exit() {
    let node = Node::new();
    // Not trapping: normal is ignored, shutdown kills.
    let plain = node.spawn(idle()).pid();
    let p = plain.clone();
    node.run(async move { process::exit(&p, ExitReason::Normal) })
        .await
        .unwrap();
    assert!(plain.is_alive());
    let p = plain.clone();
    node.run(async move { process::exit(&p, ExitReason::Shutdown) })
        .await
        .unwrap();
    assert_eq!(plain.wait_exit().await, ExitReason::Shutdown);

    // Trapping: both arrive as messages, from the sender.
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let trapping = node.spawn(trapper(out_tx)).pid();
    let t = trapping.clone();
    let sender = node
        .run(async move {
            process::exit(&t, ExitReason::Normal);
            process::exit(&t, ExitReason::custom("custom"));
            process::self_pid()
        })
        .await
        .unwrap();
    assert_eq!(
        out_rx.recv().await.unwrap(),
        format!("EXIT {sender} :normal")
    );
    assert_eq!(
        out_rx.recv().await.unwrap(),
        format!("EXIT {sender} :custom")
    );
    assert!(trapping.is_alive());
}

#[tokio::test]
async fn exit_normal_to_itself_stops_a_process() {
    let node = Node::new();
    let addr = node.spawn(|_inbox: Mailbox<()>| async {
        process::exit(&process::self_pid(), ExitReason::Normal);
        std::future::pending::<()>().await
    });
    assert_eq!(addr.pid().wait_exit().await, ExitReason::Normal);
}

#[tokio::test]
async fn kill_acts_before_a_million_queued_messages() {
    let node = Node::new();
    let (started_tx, started_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel::<()>();
    let (handled_tx, mut handled_rx) = tokio::sync::mpsc::unbounded_channel::<u32>();
    let busy = node.spawn(move |mut inbox: Mailbox<u32>| async move {
        started_tx.send(()).unwrap();
        let _ = release_rx.await;
        loop {
            if let Received::Msg(n) = inbox.receive().await {
                let _ = handled_tx.send(n);
            }
        }
    });
    started_rx.await.unwrap();
    for n in 0..1_000_000 {
        busy.send(n);
    }
    assert_eq!(process::message_queue_len(busy.pid()), 1_000_000);
    let pid = busy.pid();
    node.run(async move { process::exit(&pid, ExitReason::Shutdown) })
        .await
        .unwrap();
    drop(release_tx);
    assert_eq!(busy.pid().wait_exit().await, ExitReason::Shutdown);
    // It stopped at the await where it was parked: not one queued message was handled.
    assert_eq!(handled_rx.recv().await, None);
}

#[tokio::test(start_paused = true)]
async fn a_process_waiting_at_an_await_is_stopped_there() {
    let node = Node::new();
    let (reached_tx, reached_rx) = oneshot::channel();
    let (after_tx, mut after_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let sleeper = node.spawn(move |_inbox: Mailbox<()>| async move {
        reached_tx.send(()).unwrap();
        process::sleep(3_600_000).await;
        let _ = after_tx.send(());
    });
    reached_rx.await.unwrap();
    let pid = sleeper.pid();
    node.run(async move { process::exit(&pid, ExitReason::Kill) })
        .await
        .unwrap();
    assert_eq!(sleeper.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(
        after_rx.recv().await,
        None,
        "the code after the await never ran"
    );
}

#[tokio::test]
async fn linking_to_a_dead_process_is_noproc() {
    let node = Node::new();
    let dead = node.spawn(|_inbox: Mailbox<()>| async {}).pid();
    dead.wait_exit().await;
    let d = dead.clone();
    let not_trapping = node.run(async move { process::link(&d) }).await.unwrap();
    assert_eq!(not_trapping, Err(LinkError::NoProc(dead.clone())));

    let d = dead.clone();
    let trapping = node
        .run(async move {
            process::trap_exit(true);
            let linked = process::link(&d);
            (linked, process::self_pid())
        })
        .await
        .unwrap();
    assert_eq!(trapping.0, Ok(()));

    // The trapping caller got {:EXIT, dead, :noproc} in its mailbox instead.
    let (tx, rx) = oneshot::channel();
    let d = dead.clone();
    node.spawn(move |mut inbox: Mailbox<()>| async move {
        process::trap_exit(true);
        process::link(&d).unwrap();
        tx.send(inbox.receive().await).unwrap();
    });
    match rx.await.unwrap() {
        Received::Exit { from, reason } => {
            assert_eq!(from, dead);
            assert_eq!(reason, ExitReason::NoProc);
        }
        other => panic!("expected an exit message, got {other:?}"),
    }
}

#[tokio::test]
async fn unlink_stops_propagation() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel::<()>();
    let survivor = node.spawn(idle()).pid();
    let s = survivor.clone();
    let dier = node
        .spawn(move |_inbox: Mailbox<()>| async move {
            process::link(&s).unwrap();
            process::unlink(&s);
            rx.await.unwrap();
            process::exit_self(ExitReason::custom("boom")).await;
        })
        .pid();
    tx.send(()).unwrap();
    dier.wait_exit().await;
    assert!(survivor.is_alive());
    assert!(process::info(&survivor).unwrap().links.is_empty());
}

#[tokio::test]
async fn spawn_link_takes_the_parent_down() {
    let node = Node::new();
    let result = node
        .run(async {
            process::spawn_link(|_inbox: Mailbox<()>| async { panic!("oh snap") });
            std::future::pending::<()>().await
        })
        .await;
    assert_eq!(result, Err(ExitReason::panic("oh snap")));
}

#[tokio::test]
async fn monitors_deliver_down_after_earlier_messages() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
        let me = inbox.addr();
        let (child, reference) = process::spawn_monitor(move |_i: Mailbox<()>| async move {
            me.send("first");
            me.send("second");
            process::exit_self(ExitReason::custom("done")).await;
        });
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.push(match inbox.receive().await {
                Received::Msg(m) => m.to_string(),
                Received::Down(d) => {
                    assert_eq!(d.reference, reference);
                    assert_eq!(d.pid, child.pid());
                    format!("DOWN {}", d.reason)
                }
                Received::Exit { .. } => "exit".to_string(),
                Received::NodeDown(_) => "nodedown".to_string(),
            });
        }
        tx.send(seen).unwrap();
    });
    assert_eq!(rx.await.unwrap(), vec!["first", "second", "DOWN :done"]);
}

#[tokio::test]
async fn monitoring_a_dead_process_delivers_noproc_at_once() {
    let node = Node::new();
    let dead = node.spawn(|_inbox: Mailbox<()>| async {}).pid();
    dead.wait_exit().await;
    let (tx, rx) = oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<()>| async move {
        let reference = process::monitor(&dead);
        match inbox.receive().await {
            Received::Down(d) => tx.send((d.reference == reference, d.reason)).unwrap(),
            _ => unreachable!(),
        }
    });
    assert_eq!(rx.await.unwrap(), (true, ExitReason::NoProc));
}

#[tokio::test]
async fn demonitor_removes_and_flush_drops_a_delivered_down() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
        // 1. demonitor before the exit: no Down ever comes.
        let (quiet, reference) = process::spawn_monitor(|mut i: Mailbox<()>| async move {
            i.receive().await;
        });
        assert!(process::demonitor(&reference, false));
        quiet.send(());
        quiet.pid().wait_exit().await;
        // 2. Down already delivered, demonitor with flush: it disappears.
        let (gone, reference) = process::spawn_monitor(|_i: Mailbox<()>| async {});
        gone.pid().wait_exit().await;
        assert!(!process::demonitor(&reference, true));
        inbox.addr().send("marker");
        let next = inbox.receive().await;
        let marker_first = matches!(next, Received::Msg("marker"));
        // 3. A Down that has been received spends its monitor: Process.info no longer lists
        // it, and demonitor afterwards reports it inactive.
        let (spent, reference) = process::spawn_monitor(|_i: Mailbox<()>| async {});
        let down = inbox.receive().await;
        let me = process::self_pid();
        let monitors = process::info(&me).unwrap().monitors;
        let inactive = !process::demonitor(&reference, true);
        tx.send((
            marker_first,
            matches!(down, Received::Down(d) if d.pid == spent.pid()),
            monitors.is_empty(),
            inactive,
        ))
        .unwrap();
    });
    assert_eq!(
        rx.await.unwrap(),
        (true, true, true, true),
        "(marker first after a flush, Down received, monitor spent, demonitor inactive)"
    );
}

/// Past a few dozen monitors a process keeps them in a map rather than a list (which made a
/// process watching 40k others quadratic): the rules stay those of a few.
#[tokio::test]
async fn many_monitors_follow_the_same_rules_as_a_few() {
    const N: usize = 50;
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<()>| async move {
        let targets: Vec<Pid> = (0..N).map(|_| process::spawn(idle()).pid()).collect();
        let refs: Vec<_> = targets.iter().map(process::monitor).collect();
        let me = process::self_pid();
        let listed = process::info(&me).unwrap().monitors == targets;
        // Every fifth monitor removed before its target dies: no Down for those.
        let removed = refs.iter().step_by(5).all(|r| process::demonitor(r, false));
        for t in &targets {
            process::exit(t, ExitReason::Kill);
            t.wait_exit().await;
        }
        let mut downs = Vec::new();
        while let Some(Received::Down(d)) = inbox.try_receive() {
            downs.push(d.pid);
        }
        let expected: Vec<Pid> = targets
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 5 != 0)
            .map(|(_, p)| p.clone())
            .collect();
        // A fired monitor is spent; one already removed stays inactive.
        let spent = refs.iter().all(|r| !process::demonitor(r, true));
        let none_left = process::info(&me).unwrap().monitors.is_empty();
        tx.send((listed, removed, downs == expected, spent, none_left))
            .unwrap();
    });
    assert_eq!(
        rx.await.unwrap(),
        (true, true, true, true, true),
        "(listed in order, removed, Downs of the others in order, spent, none left)"
    );

    // The other side: one process watched by many, which all hear of its exit once.
    let target = node.spawn(idle()).pid();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let watchers: Vec<Pid> = (0..N)
        .map(|_| {
            let (target, tx) = (target.clone(), tx.clone());
            node.spawn(move |mut inbox: Mailbox<()>| async move {
                process::monitor(&target);
                let _ = tx.send(());
                if let Received::Down(d) = inbox.receive().await {
                    let _ = tx.send(());
                    assert_eq!(d.pid, target);
                }
            })
            .pid()
        })
        .collect();
    for _ in 0..N {
        rx.recv().await.unwrap();
    }
    assert_eq!(process::info(&target).unwrap().monitored_by, watchers);
    let victim = target.clone();
    node.run(async move { process::exit(&victim, ExitReason::Kill) })
        .await
        .unwrap();
    for w in &watchers {
        assert_eq!(w.wait_exit().await, ExitReason::Normal);
    }
    let mut heard = 0;
    while rx.try_recv().is_ok() {
        heard += 1;
    }
    assert_eq!(heard, N, "one Down per watcher");
}

#[tokio::test]
async fn names_register_resolve_and_free_on_exit() {
    let node = Node::new();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let holder = node
        .spawn(move |_inbox: Mailbox<()>| async move {
            let _ = stop_rx.await;
        })
        .pid();
    let h = holder.clone();
    let outcome = node
        .run(async move {
            process::register("superman", h.clone()).unwrap();
            let other = process::spawn(|_i: Mailbox<()>| std::future::pending::<()>());
            let taken = process::register("superman", other.pid());
            let twice = process::register("clark", h.clone());
            (
                process::whereis(&Name::local("superman")),
                taken,
                twice,
                process::registered(),
            )
        })
        .await
        .unwrap();
    assert_eq!(outcome.0, Some(holder.clone()));
    assert_eq!(
        outcome.1,
        Err(RegisterError::Taken {
            name: Name::local("superman"),
            holder: holder.clone()
        })
    );
    assert_eq!(
        outcome.1.unwrap_err().to_string(),
        format!("name :superman is already registered to {holder}")
    );
    assert!(matches!(outcome.2, Err(RegisterError::AlreadyNamed { .. })));
    assert_eq!(outcome.3, vec![Atom::from("superman")]);

    stop_tx.send(()).unwrap();
    holder.wait_exit().await;
    assert_eq!(node.whereis("superman"), None);
    assert!(node.registered().is_empty());
    let again = node
        .run(async {
            let p = process::spawn(|_i: Mailbox<()>| std::future::pending::<()>());
            process::register("superman", p.pid())
        })
        .await
        .unwrap();
    assert_eq!(again, Ok(()));
}

#[tokio::test]
async fn names_are_per_node() {
    let a = Node::new();
    let b = Node::new();
    let pa = a.spawn(idle()).pid();
    let pb = b.spawn(idle()).pid();
    a.run(async move { process::register("same", pa).unwrap() })
        .await
        .unwrap();
    b.run(async move { process::register("same", pb).unwrap() })
        .await
        .unwrap();
    assert_ne!(a.whereis("same"), b.whereis("same"));
}

#[tokio::test]
async fn global_names_are_a_separate_table() {
    let node = Node::new();
    let p = node.spawn(idle()).pid();
    let p2 = p.clone();
    let found = node
        .run(async move {
            process::register(Name::global("boss"), p2).unwrap();
            (
                process::whereis(&Name::global("boss")),
                process::whereis(&Name::local("boss")),
            )
        })
        .await
        .unwrap();
    assert_eq!(found, (Some(p), None));
}

#[tokio::test]
async fn info_reports_name_links_trap_exit_and_ancestors() {
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    let (done_tx, done_rx) = oneshot::channel::<()>();
    let shell = node
        .spawn(move |_inbox: Mailbox<()>| async move {
            process::trap_exit(true);
            let child = process::spawn_link(|_i: Mailbox<u8>| std::future::pending::<()>());
            process::register("child", child.pid()).unwrap();
            child.send(1);
            child.send(2);
            tx.send(child.pid()).unwrap();
            let _ = done_rx.await;
        })
        .pid();
    let child = rx.await.unwrap();
    let info = process::info(&child).unwrap();
    assert_eq!(info.registered_name, Some(Name::local("child")));
    assert_eq!(info.status, Status::Waiting);
    assert_eq!(info.message_queue_len, 2);
    assert_eq!(info.links, vec![shell.clone()]);
    assert!(!info.trap_exit);
    assert_eq!(info.parent, Some(shell.clone()));
    assert_eq!(info.ancestors, vec![shell.clone()]);
    assert!(process::info(&shell).unwrap().trap_exit);
    done_tx.send(()).unwrap();
    shell.wait_exit().await;
    // The shell exited normally, so its link did not take the child down.
    assert!(child.is_alive());
    let c = child.clone();
    node.run(async move { process::exit(&c, ExitReason::Kill) })
        .await
        .unwrap();
    child.wait_exit().await;
    assert!(
        process::info(&child).is_none(),
        "Process.info of a dead pid is nil"
    );
}

#[tokio::test]
async fn no_process_is_left_behind() {
    let node = Node::new();
    let pids: Vec<Pid> = (0..50).map(|_| node.spawn(idle()).pid()).collect();
    assert_eq!(node.process_count(), 50);
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
    assert_eq!(node.process_count(), 0);
}

/// A process that exits the moment `go` is set, spinning (not awaiting) until then, so that
/// its exit on its own thread races whatever another thread does next. It says when it is
/// running, and gives up waiting after a bounded spin so that a round can never hang.
fn racing_exit(
    started: Arc<AtomicBool>,
    go: Arc<AtomicBool>,
) -> impl FnOnce(Mailbox<()>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    move |_inbox| {
        Box::pin(async move {
            started.store(true, Ordering::Release);
            for _ in 0..100_000_000u64 {
                if go.load(Ordering::Acquire) {
                    break;
                }
                std::hint::spin_loop();
            }
        })
    }
}

/// OTP's promise for `unlink/1` and `demonitor/1`: once the call has returned, no exit signal
/// from that link and no DOWN for that monitor reaches the caller any more, even when the
/// other process is dying at that very moment (what had arrived before the call may be in the
/// mailbox; the caller drops it). Raced over many rounds: the other process runs on a runtime
/// of its own, on its own thread, and exits there the moment this process lets it go and
/// unlinks or demonitors.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn unlink_and_demonitor_hold_against_a_process_dying_at_that_moment() {
    const ROUNDS: usize = 2000;
    let elsewhere = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let there = elsewhere.handle().clone();
    let node = Node::new();
    let (tx, rx) = oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<()>| async move {
        process::trap_exit(true);
        let (mut exits_after_unlink, mut downs_after_demonitor) = (0, 0);
        for round in 0..ROUNDS * 2 {
            let (started, go) = (
                Arc::new(AtomicBool::new(false)),
                Arc::new(AtomicBool::new(false)),
            );
            let body = racing_exit(started.clone(), go.clone());
            // Spawned from here, run by the other runtime's thread.
            let (doomed, reference) = {
                let _there = there.enter();
                if round % 2 == 0 {
                    (process::spawn_link(body), None)
                } else {
                    let (doomed, reference) = process::spawn_monitor(body);
                    (doomed, Some(reference))
                }
            };
            while !started.load(Ordering::Acquire) {
                tokio::task::yield_now().await;
            }
            go.store(true, Ordering::Release);
            match &reference {
                None => process::unlink(&doomed.pid()),
                Some(reference) => {
                    process::demonitor(reference, false);
                }
            }
            inbox.flush();
            doomed.pid().wait_exit().await;
            let late = inbox.flush().len();
            match reference {
                None => exits_after_unlink += late,
                Some(_) => downs_after_demonitor += late,
            }
        }
        let _ = tx.send((exits_after_unlink, downs_after_demonitor));
    });
    let late = tokio::time::timeout(std::time::Duration::from_secs(120), rx)
        .await
        .expect("the rounds finish")
        .unwrap();
    elsewhere.shutdown_background();
    assert_eq!(late, (0, 0), "(EXITs after unlink, DOWNs after demonitor)");
}

/// A process that exits with reason `:kill` itself (Elixir's `exit(:kill)`) sends `:kill` as
/// an ordinary reason: a trapping linked process gets `{:EXIT, pid, :kill}`, one that does not
/// trap dies with `:kill`, a monitor sees `:kill`. Only an exit signal *sent* with `:kill`
/// (`Process.exit(pid, :kill)`) is untrappable and becomes `:killed`.
#[tokio::test]
async fn a_process_exiting_with_kill_itself_sends_kill_as_an_ordinary_reason() {
    let node = Node::new();
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let trapping = node.spawn(trapper(out_tx)).pid();
    let plain = node.spawn(idle()).pid();
    let (go_tx, go_rx) = oneshot::channel::<()>();
    let links = vec![trapping.clone(), plain.clone()];
    let dying = node
        .spawn(move |_inbox: Mailbox<()>| async move {
            for pid in &links {
                process::link(pid).unwrap();
            }
            go_rx.await.unwrap();
            // Elixir: exit(:kill)
            process::exit_self(ExitReason::Kill).await;
        })
        .pid();
    let watched = dying.clone();
    let (down_tx, down_rx) = oneshot::channel();
    let (watching_tx, watching_rx) = oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<()>| async move {
        process::monitor(&watched);
        watching_tx.send(()).unwrap();
        if let Received::Down(down) = inbox.receive().await {
            let _ = down_tx.send(down.reason);
        }
    });
    watching_rx.await.unwrap();
    go_tx.send(()).unwrap();
    assert_eq!(dying.wait_exit().await, ExitReason::Kill);
    assert_eq!(out_rx.recv().await.unwrap(), format!("EXIT {dying} :kill"));
    assert!(
        trapping.is_alive(),
        "a trapped :kill is a message like any other"
    );
    assert_eq!(plain.wait_exit().await, ExitReason::Kill, "not :killed");
    assert_eq!(down_rx.await.unwrap(), ExitReason::Kill);
}
