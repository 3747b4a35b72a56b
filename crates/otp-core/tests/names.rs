//! Names in their three forms, the Registry, and names freed after exits and failed starts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, GenServer, Init, Options as GsOptions, StartError,
};
use otp_core::registry::{Options, Registry, RegistryError};
use otp_core::{Atom, ExitReason, Mailbox, Name, Node, Pid, Received, Via, process};

mod common;
use common::in_node;

/// A named server that says its name.
#[derive(Debug)]
struct Named(String);

impl GenServer for Named {
    type Arg = (String, bool);
    type Call = ();
    type Reply = String;
    type Cast = std::convert::Infallible;
    type Info = String;
    type Continue = std::convert::Infallible;

    async fn init((name, fail): (String, bool)) -> Init<Self> {
        if fail {
            Init::Stop(ExitReason::custom("refused"))
        } else {
            Init::Ok(Named(name))
        }
    }

    async fn handle_call(&mut self, _: (), _from: &Caller<String>) -> CallResult<Self> {
        CallResult::Reply(self.0.clone())
    }
}

/// A hand-written via registry, as chapter 4's exercise writes one: a GenServer-free map
/// behind a mutex, monitoring nothing, so it checks liveness itself.
#[derive(Clone, Default)]
struct HandMade(Arc<Mutex<HashMap<String, Pid>>>);

impl Via for HandMade {
    type Key = String;
    fn register_name(&self, key: &String, pid: &Pid) -> bool {
        let mut map = self.0.lock().unwrap();
        if map.get(key).is_some_and(Pid::is_alive) {
            return false;
        }
        map.insert(key.clone(), pid.clone());
        true
    }
    fn unregister_name(&self, key: &String) {
        self.0.lock().unwrap().remove(key);
    }
    fn whereis_name(&self, key: &String) -> Option<Pid> {
        self.0
            .lock()
            .unwrap()
            .get(key)
            .filter(|p| p.is_alive())
            .cloned()
    }
}

#[tokio::test]
async fn via_names_work_for_start_call_cast_send_and_whereis() {
    let node = Node::new();
    in_node(&node, async {
        let reg = HandMade::default();
        let name = Name::via(reg.clone(), "superhand".to_string());
        let s = gen_server::start_link::<Named>(
            ("superhand".into(), false),
            GsOptions::new().name(name.clone()),
        )
        .await
        .unwrap();
        assert_eq!(
            gen_server::call::<Named>(&name, ()).await.unwrap(),
            "superhand"
        );
        assert_eq!(process::whereis(&name), Some(s.pid()));
        assert_eq!(gen_server::whereis::<Named>(name.clone()).unwrap(), s);
        gen_server::send::<Named>(&name, "hello".to_string());
        // Taken: the holder is named.
        assert_eq!(
            gen_server::start_link::<Named>(
                ("dup".into(), false),
                GsOptions::new().name(name.clone())
            )
            .await
            .map(|s| s.pid()),
            Err(StartError::AlreadyStarted(s.pid()))
        );
        // Unknown: noproc at once.
        let ghost = Name::via(reg.clone(), "ghost".to_string());
        assert_eq!(
            gen_server::call::<Named>(&ghost, ()).await,
            Err(CallError::NoProc)
        );
        // A failed start takes the via name back.
        let refused = Name::via(reg.clone(), "refused".to_string());
        let r = gen_server::start_link::<Named>(
            ("r".into(), true),
            GsOptions::new().name(refused.clone()),
        )
        .await;
        assert!(matches!(r, Err(StartError::Stop(_))));
        assert_eq!(process::whereis(&refused), None);
        assert!(!reg.0.lock().unwrap().contains_key("refused"));
    })
    .await;
}

#[tokio::test]
async fn plain_processes_can_be_sent_to_by_any_kind_of_name() {
    let node = Node::new();
    in_node(&node, async {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let p = process::spawn(move |mut inbox: Mailbox<u32>| async move {
            let mut got = Vec::new();
            for _ in 0..3 {
                if let Received::Msg(n) = inbox.receive().await {
                    got.push(n);
                }
            }
            tx.send(got).unwrap();
        });
        process::register("local", p.pid()).unwrap();
        process::register(Name::global("global"), p.pid()).unwrap();
        let reg = HandMade::default();
        let via = Name::via(reg.clone(), "via".to_string());
        process::register(via.clone(), p.pid()).unwrap();
        process::send_named(&Name::local("local"), 1u32).unwrap();
        process::send_named(&Name::global("global"), 2u32).unwrap();
        process::send_named(&via, 3u32).unwrap();
        assert_eq!(rx.await.unwrap(), vec![1, 2, 3]);
        assert_eq!(
            process::send_named(&Name::local("nobody"), 4u32),
            Err(otp_core::process::SendError::NoProc)
        );
    })
    .await;
}

#[tokio::test]
async fn global_names_are_freed_on_exit_and_after_a_failed_start() {
    let node = Node::new();
    in_node(&node, async {
        let name = Name::global("boss");
        let s = gen_server::start_link::<Named>(
            ("boss".into(), false),
            GsOptions::new().name(name.clone()),
        )
        .await
        .unwrap();
        assert_eq!(process::whereis(&name), Some(s.pid()));
        gen_server::stop(&s, ExitReason::Normal, 1000)
            .await
            .unwrap();
        assert_eq!(process::whereis(&name), None);
        let r = gen_server::start_link::<Named>(
            ("boss".into(), true),
            GsOptions::new().name(name.clone()),
        )
        .await;
        assert!(r.is_err());
        assert_eq!(process::whereis(&name), None);
        assert!(gen_server::whereis::<Named>(name).is_err());
    })
    .await;
}

#[tokio::test]
async fn registry_unique_keys() {
    let node = Node::new();
    in_node(&node, async {
        let reg: Registry<Atom, u32> = Registry::start_link(Options::unique().name("Reg"))
            .await
            .unwrap();
        let me = process::self_pid();
        reg.register("a".into(), 1).unwrap();
        assert_eq!(
            reg.register("a".into(), 2),
            Err(RegistryError::AlreadyRegistered(me.clone()))
        );
        assert_eq!(reg.lookup(&"a".into()).unwrap(), vec![(me.clone(), 1)]);
        assert_eq!(reg.keys(&me).unwrap(), vec![Atom::from("a")]);
        assert_eq!(reg.values(&"a".into(), &me).unwrap(), vec![1]);
        assert_eq!(reg.count().unwrap(), 1);
        // Another process may not take the key while we hold it.
        let other = process::spawn(|mut inbox: Mailbox<Registry<Atom, u32>>| async move {
            if let Received::Msg(reg) = inbox.receive().await {
                let r = reg.register("a".into(), 9);
                assert!(matches!(r, Err(RegistryError::AlreadyRegistered(_))));
                reg.register("b".into(), 2).unwrap();
                std::future::pending::<()>().await;
            }
        });
        other.send(reg.clone());
        while reg.lookup(&"b".into()).unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        // Its entry goes when it exits.
        process::exit(&other.pid(), ExitReason::Kill);
        other.pid().wait_exit().await;
        assert!(reg.lookup(&"b".into()).unwrap().is_empty());
        reg.unregister(&"a".into()).unwrap();
        assert_eq!(reg.count().unwrap(), 0);
        // Found by name.
        let again = Registry::<Atom, u32>::named("Reg").await.unwrap();
        again.register("c".into(), 3).unwrap();
        assert_eq!(reg.lookup(&"c".into()).unwrap(), vec![(me, 3)]);
        assert!(matches!(
            Registry::<Atom, String>::named("Reg").await,
            Err(RegistryError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn registry_duplicate_keys_dispatch_and_match() {
    let node = Node::new();
    in_node(&node, async {
        let reg: Registry<String, u32> = Registry::start_link(Options::duplicate()).await.unwrap();
        let mut members = Vec::new();
        for n in 0..3u32 {
            let reg2 = reg.clone();
            let (tx, rx) = tokio::sync::oneshot::channel();
            let p = process::spawn(move |_i: Mailbox<()>| async move {
                reg2.register("topic".into(), n * 10).unwrap();
                tx.send(()).unwrap();
                std::future::pending::<()>().await
            });
            rx.await.unwrap();
            members.push(p.pid());
        }
        let mut seen = Vec::new();
        reg.dispatch(&"topic".into(), |entries| {
            seen = entries.iter().map(|(_, v)| *v).collect();
        })
        .unwrap();
        seen.sort();
        assert_eq!(seen, vec![0, 10, 20]);
        let big = reg.match_values(&"topic".into(), |v| *v >= 10).unwrap();
        assert_eq!(big.len(), 2);
        assert_eq!(reg.count().unwrap(), 3);
        for p in &members {
            process::exit(p, ExitReason::Kill);
            p.wait_exit().await;
        }
        assert_eq!(reg.count().unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_registry_works_as_a_via_registry_and_reregisters_after_a_restart() {
    let node = Node::new();
    in_node(&node, async {
        let reg: Registry<Atom, ()> =
            Registry::start_link(Options::unique().name("SuperDuper.Registry"))
                .await
                .unwrap();
        let name = Name::via(reg.clone(), Atom::from("superreg"));
        assert_eq!(name.to_string(), "{SuperDuper.Registry, :superreg}");
        let first = gen_server::start_link::<Named>(
            ("superreg".into(), false),
            GsOptions::new().name(name.clone()),
        )
        .await
        .unwrap();
        assert_eq!(
            reg.lookup(&"superreg".into()).unwrap(),
            vec![(first.pid(), ())]
        );
        process::exit(&first.pid(), ExitReason::Kill);
        first.pid().wait_exit().await;
        let second = gen_server::start_link::<Named>(
            ("superreg".into(), false),
            GsOptions::new().name(name.clone()),
        )
        .await
        .unwrap();
        assert_ne!(first, second);
        assert_eq!(gen_server::whereis::<Named>(name).unwrap(), second);
    })
    .await;
}

#[tokio::test]
async fn no_stale_entry_after_ten_thousand_register_crash_cycles() {
    let node = Node::new();
    in_node(&node, async {
        let reg: Registry<u32, ()> = Registry::start_link(Options::unique()).await.unwrap();
        for n in 0..10_000u32 {
            let reg2 = reg.clone();
            let key = n % 7;
            let p = process::spawn(move |_i: Mailbox<()>| async move {
                reg2.register(key, ()).unwrap();
                panic!("crash while holding the key");
            });
            p.pid().wait_exit().await;
            assert!(reg.lookup(&key).unwrap().is_empty());
        }
        assert_eq!(reg.count().unwrap(), 0);
        // And the dead owners never blocked: the keys are free.
        for key in 0..7 {
            reg.register(key, ()).unwrap();
        }
        assert_eq!(reg.count().unwrap(), 7);
        process::exit(&reg.pid(), ExitReason::Kill);
        reg.pid().wait_exit().await;
    })
    .await;
    // None of the 10 000 crashed processes is left.
    assert_eq!(node.process_count(), 0);
}

#[tokio::test]
async fn names_leave_no_stale_entry_after_many_crashes() {
    let node = Node::new();
    in_node(&node, async {
        for _ in 0..10_000 {
            let p = process::spawn(|_i: Mailbox<()>| async {
                process::register("busy", process::self_pid()).unwrap();
                panic!("crash while named");
            });
            p.pid().wait_exit().await;
            assert_eq!(process::whereis(&Name::local("busy")), None);
        }
        assert!(process::registered().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_registry_is_gone_with_its_process() {
    let node = Node::new();
    in_node(&node, async {
        let reg: Registry<u32, ()> = Registry::start_link(Options::unique()).await.unwrap();
        reg.register(1, ()).unwrap();
        process::exit(&reg.pid(), ExitReason::Kill);
        reg.pid().wait_exit().await;
        assert_eq!(reg.lookup(&1), Err(RegistryError::Gone));
        assert_eq!(reg.register(2, ()), Err(RegistryError::Gone));
        assert_eq!(reg.whereis(&1), None);
    })
    .await;
}

/// `nil`, `false`, `true` and `:undefined` are not names (Elixir's `Process.register/2` refuses
/// them): registering one, or starting a server under one, is a clear error, and no process is
/// started for it.
#[tokio::test]
async fn nil_false_true_and_undefined_cannot_be_registered_as_names() {
    let node = Node::new();
    let refused = in_node(&node, async {
        let mut refused = Vec::new();
        for name in ["nil", "false", "true", "undefined"] {
            let me = process::self_pid();
            let registered = process::register(name, &me);
            let started = gen_server::start_link::<Named>(
                (name.to_string(), false),
                GsOptions::new().name(name),
            )
            .await
            .map(|s| s.pid());
            refused.push((registered, started, process::whereis(&Name::local(name))));
        }
        refused
    })
    .await;
    for ((registered, started, found), name) in
        refused
            .into_iter()
            .zip(["nil", "false", "true", "undefined"])
    {
        assert_eq!(
            registered,
            Err(process::RegisterError::InvalidName(Name::local(name))),
            "{name}"
        );
        assert_eq!(
            started,
            Err(StartError::InvalidName(Name::local(name))),
            "{name}"
        );
        assert_eq!(found, None, "{name}");
    }
    assert_eq!(node.process_count(), 0, "no server was started");
    assert_eq!(
        process::RegisterError::InvalidName(Name::local("nil")).to_string(),
        ":nil cannot be registered: nil, false, true and :undefined are not names"
    );
}

/// As in Elixir, a process that registers in a Registry is linked to it (to its partition
/// there) while it holds keys, and unlinked once it holds none; a registrant's crash does not
/// take the registry down (the registry traps exits), and if the registry dies, its
/// registrants get its exit signal: one that does not trap exits dies with it, one that traps
/// gets `{:EXIT, registry, reason}`. The link the registry's starter has to it is its own and
/// stays.
#[tokio::test]
async fn a_registrant_is_linked_to_its_registry_while_it_holds_keys() {
    let node = Node::new();
    let seen = in_node(&node, async {
        let me = process::self_pid();
        let reg: Registry<String, ()> = Registry::start_link(Options::unique()).await.unwrap();
        let mut seen = Vec::new();
        // The caller, which started the registry (and is linked to it for that), registers.
        reg.register("mine".to_string(), ()).unwrap();
        reg.unregister(&"mine".to_string()).unwrap();
        seen.push((
            "the starter's own link stays",
            process::is_linked(&me, &reg.pid()),
        ));

        // A registrant holding two keys, then one, then none.
        let (tx, rx) = tokio::sync::oneshot::channel();
        let r = reg.clone();
        let owner = reg.pid();
        process::spawn(move |_i: Mailbox<()>| async move {
            let me = process::self_pid();
            let mut links = Vec::new();
            r.register("a".to_string(), ()).unwrap();
            r.register("b".to_string(), ()).unwrap();
            links.push(process::is_linked(&me, &owner));
            r.unregister(&"a".to_string()).unwrap();
            links.push(process::is_linked(&me, &owner));
            r.unregister(&"b".to_string()).unwrap();
            links.push(process::is_linked(&me, &owner));
            let _ = tx.send(links);
        });
        let links = rx.await.unwrap();
        seen.push(("linked with keys", links[0] && links[1]));
        seen.push(("unlinked with none", !links[2]));

        // A registrant that crashes leaves the registry running.
        let r = reg.clone();
        let crasher = process::spawn(move |_i: Mailbox<()>| async move {
            r.register("c".to_string(), ()).unwrap();
            panic!("gone");
        });
        crasher.pid().wait_exit().await;
        seen.push(("the registry outlives a registrant", reg.pid().is_alive()));

        // The registry dies: its registrants get the signal.
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let (exit_tx, exit_rx) = tokio::sync::oneshot::channel();
        let r = reg.clone();
        let trapping = process::spawn(move |mut inbox: Mailbox<()>| async move {
            process::trap_exit(true);
            r.register("d".to_string(), ()).unwrap();
            let _ = ready_tx.send(());
            if let Received::Exit { from, reason } = inbox.receive().await {
                let _ = exit_tx.send((from, reason));
            }
        });
        ready_rx.await.unwrap();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let r = reg.clone();
        let plain = process::spawn(move |_i: Mailbox<()>| async move {
            r.register("e".to_string(), ()).unwrap();
            let _ = ready_tx.send(());
            std::future::pending::<()>().await
        });
        ready_rx.await.unwrap();
        process::exit(&reg.pid(), ExitReason::Kill);
        reg.pid().wait_exit().await;
        // Its signals are out once it is gone; a bound in case none came.
        let bound = std::time::Duration::from_secs(5);
        let died = tokio::time::timeout(bound, plain.pid().wait_exit()).await;
        seen.push((
            "a plain registrant dies with it",
            died == Ok(ExitReason::Killed),
        ));
        let got = tokio::time::timeout(bound, exit_rx).await;
        seen.push((
            "a trapping one is told",
            matches!(got, Ok(Ok(told)) if told == (reg.pid(), ExitReason::Killed)),
        ));
        process::exit(&trapping.pid(), ExitReason::Kill);
        process::exit(&plain.pid(), ExitReason::Kill);
        seen
    })
    .await;
    for (what, held) in seen {
        assert!(held, "{what}");
    }
}

/// `Registry.dispatch/3` calls the function only when the key has entries, as Elixir's does.
#[tokio::test]
async fn dispatch_does_not_call_the_function_for_a_key_without_entries() {
    let node = Node::new();
    let calls = in_node(&node, async {
        let topics: Registry<String, ()> =
            Registry::start_link(Options::duplicate()).await.unwrap();
        let mut calls = Vec::new();
        topics
            .dispatch(&"nobody".to_string(), |entries| calls.push(entries.len()))
            .unwrap();
        topics.register("news".to_string(), ()).unwrap();
        topics
            .dispatch(&"news".to_string(), |entries| calls.push(entries.len()))
            .unwrap();
        calls
    })
    .await;
    assert_eq!(calls, vec![1], "called once, for the key with an entry");
}
