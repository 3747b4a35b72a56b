//! The GenServer behaviour, rule by rule. Timers run under a paused clock; nothing sleeps to
//! wait for something to happen.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
    StartError, StopError, Then, WhereisError,
};
use otp_core::{Console, ExitReason, Mailbox, Name, Node, Received, process};

type Log = Arc<Mutex<Vec<String>>>;

fn log(l: &Log, s: impl Into<String>) {
    l.lock().unwrap().push(s.into());
}

fn entries(l: &Log) -> Vec<String> {
    l.lock().unwrap().clone()
}

/// A server that does whatever its messages tell it, and logs its callbacks.
#[derive(Debug)]
struct Probe {
    log: Log,
    count: i64,
}

#[derive(Debug)]
enum Start {
    Ok,
    Continue(&'static str),
    Timeout(u64),
    Ignore,
    Stop,
    Panic,
    Exit,
    Killed,
    QueueThenContinue,
    Trap,
    TrapAndLinkStarter,
}

#[derive(Debug)]
enum Call {
    Get,
    Sleep(u64),
    SleepThenPanic(u64),
    Panic,
    StopReply,
    Stop,
    Defer,
    Hibernate,
    AskItself,
    StopItself,
    InspectItself,
    Exit(ExitReason),
}

#[derive(Debug)]
enum Cast {
    Add(i64),
    Panic,
    Stop(ExitReason),
    Continue(&'static str),
    Idle(u64),
    ReplyLater(gen_server::ReplyTo<i64>),
}

#[derive(Debug)]
enum Msg {
    Note(&'static str),
}

impl GenServer for Probe {
    type Arg = (Start, Log);
    type Call = Call;
    type Reply = i64;
    type Cast = Cast;
    type Info = Msg;
    type Continue = &'static str;

    async fn init((start, log): (Start, Log)) -> Init<Self> {
        let state = Probe {
            log: log.clone(),
            count: 0,
        };
        match start {
            Start::Ok => Init::Ok(state),
            Start::Continue(c) => Init::OkThen(state, Then::Continue(c)),
            Start::Timeout(ms) => Init::OkThen(state, Then::Timeout(ms)),
            Start::Ignore => Init::Ignore,
            Start::Stop => Init::Stop(ExitReason::custom("bad_start")),
            Start::Panic => panic!("init blew up"),
            Start::Exit => {
                // Elixir: exit(:bad_start), inside init.
                process::exit_self(ExitReason::custom("bad_start")).await;
                unreachable!("exit_self does not return")
            }
            Start::Killed => {
                // Killed by an exit signal before init returns (here its own).
                process::exit(&process::self_pid(), ExitReason::Kill);
                std::future::pending().await
            }
            Start::QueueThenContinue => {
                gen_server::cast(gen_server::self_ref::<Probe>(), Cast::Add(1));
                Init::OkThen(state, Then::Continue("first"))
            }
            Start::Trap => {
                process::trap_exit(true);
                Init::Ok(state)
            }
            Start::TrapAndLinkStarter => {
                process::trap_exit(true);
                let me = process::self_pid();
                let starter = process::info(&me).and_then(|i| i.parent).unwrap();
                process::link(&starter).unwrap();
                Init::Ok(state)
            }
        }
    }

    async fn handle_call(&mut self, msg: Call, from: &Caller<i64>) -> CallResult<Self> {
        match msg {
            Call::Get => CallResult::Reply(self.count),
            Call::Sleep(ms) => {
                process::sleep(ms).await;
                CallResult::Reply(ms as i64)
            }
            Call::Panic => panic!("call blew up"),
            Call::SleepThenPanic(ms) => {
                process::sleep(ms).await;
                panic!("too late")
            }
            Call::StopReply => CallResult::StopReply(ExitReason::Normal, self.count),
            Call::Stop => CallResult::Stop(ExitReason::custom("stopped_in_call")),
            Call::Defer => {
                let to = from.defer().unwrap();
                let me = gen_server::self_ref::<Probe>();
                // Another process answers.
                process::spawn(move |_i: Mailbox<()>| async move {
                    gen_server::cast(&me, Cast::ReplyLater(to));
                });
                CallResult::NoReply
            }
            Call::Hibernate => CallResult::ReplyThen(self.count, Then::Hibernate),
            Call::Exit(reason) => {
                // Elixir: exit(reason), inside handle_call.
                process::exit_self(reason).await;
                unreachable!("exit_self does not return")
            }
            Call::StopItself => {
                let me = gen_server::self_ref::<Probe>();
                match gen_server::stop(&me, ExitReason::Normal, otp_core::Timeout::Infinity).await {
                    Err(StopError::CallingSelf) => CallResult::Reply(-2),
                    _ => CallResult::Reply(0),
                }
            }
            Call::InspectItself => {
                let me = gen_server::self_ref::<Probe>();
                match gen_server::inspect(&me, |p: &Probe| p.count).await {
                    Err(CallError::CallingSelf) => CallResult::Reply(-3),
                    _ => CallResult::Reply(0),
                }
            }
            Call::AskItself => {
                let me = gen_server::self_ref::<Probe>();
                match gen_server::call(&me, Call::Get).await {
                    Err(CallError::CallingSelf) => CallResult::Reply(-1),
                    _ => CallResult::Reply(0),
                }
            }
        }
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        match msg {
            Cast::Add(n) => {
                self.count += n;
                log(&self.log, format!("add {n}"));
                CastResult::NoReply
            }
            Cast::Panic => panic!("Boom"),
            Cast::Stop(reason) => CastResult::Stop(reason),
            Cast::Continue(c) => CastResult::NoReplyThen(Then::Continue(c)),
            Cast::Idle(ms) => CastResult::NoReplyThen(Then::Timeout(ms)),
            Cast::ReplyLater(to) => {
                gen_server::reply(to, 99);
                CastResult::NoReply
            }
        }
    }

    async fn handle_info(&mut self, msg: Info<Msg>) -> CastResult<Self> {
        let text = match msg {
            Info::Msg(Msg::Note(n)) => format!("note {n}"),
            Info::Exit { reason, .. } => format!("exit {reason}"),
            Info::Down(d) => format!("down {}", d.reason),
            Info::NodeDown(node) => format!("nodedown {node}"),
            Info::Timeout => "timeout".to_string(),
        };
        log(&self.log, format!("info {text}"));
        CastResult::NoReply
    }

    async fn handle_continue(&mut self, c: &'static str) -> CastResult<Self> {
        log(&self.log, format!("continue {c}"));
        if c == "first" {
            CastResult::NoReplyThen(Then::Continue("second"))
        } else {
            CastResult::NoReply
        }
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        log(&self.log, format!("terminate {reason}"));
    }
}

async fn start(node: &Node, start: Start) -> (ServerRef<Probe>, Log) {
    let l: Log = Log::default();
    let l2 = l.clone();
    let server = node
        .run(async move {
            gen_server::start::<Probe>((start, l2), Options::new())
                .await
                .unwrap()
        })
        .await
        .unwrap();
    (server, l)
}

#[tokio::test]
async fn start_call_cast_and_send() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Ok).await;
    let s = server.clone();
    let got = node
        .run(async move {
            gen_server::cast(&s, Cast::Add(10));
            gen_server::send(&s, Msg::Note("hello"));
            gen_server::call(&s, Call::Get).await
        })
        .await
        .unwrap();
    assert_eq!(got, Ok(10));
    assert_eq!(entries(&l), vec!["add 10", "info note hello"]);
    assert_eq!(
        gen_server::DEFAULT_CALL_TIMEOUT,
        otp_core::Timeout::millis(5000)
    );
}

#[tokio::test]
async fn continue_runs_before_queued_messages_and_chains() {
    let node = Node::new();
    let (server, l) = start(&node, Start::QueueThenContinue).await;
    node.run(async move { gen_server::call(&server, Call::Get).await.unwrap() })
        .await
        .unwrap();
    assert_eq!(
        entries(&l),
        vec!["continue first", "continue second", "add 1"]
    );
}

#[tokio::test]
async fn init_ignore_stop_and_panic_leave_nothing_behind() {
    for (how, expected) in [
        (Start::Ignore, StartError::Ignore),
        (
            Start::Stop,
            StartError::Stop(ExitReason::custom("bad_start")),
        ),
        (
            Start::Panic,
            StartError::Stop(ExitReason::panic("init blew up")),
        ),
    ] {
        let node = Node::new();
        let outcome = node
            .run(async move {
                let r = gen_server::start_link::<Probe>(
                    (how, Log::default()),
                    Options::new().name("probe"),
                )
                .await;
                let free = process::whereis(&Name::local("probe")).is_none();
                (r.map(|s| s.pid()), free)
            })
            .await;
        // The caller was linked and is still alive to report: no exit signal reached it.
        let (result, name_free) = outcome.expect("the caller survived the failed start");
        assert_eq!(result, Err(expected));
        assert!(name_free);
        assert_eq!(node.process_count(), 0, "nothing left behind");
    }
}

#[tokio::test]
async fn a_taken_name_reports_the_holder() {
    let node = Node::new();
    let result = node
        .run(async {
            let first = gen_server::start::<Probe>(
                (Start::Ok, Log::default()),
                Options::new().name("probe"),
            )
            .await
            .unwrap();
            let second = gen_server::start::<Probe>(
                (Start::Ok, Log::default()),
                Options::new().name("probe"),
            )
            .await;
            (first.pid(), second.map(|s| s.pid()))
        })
        .await
        .unwrap();
    assert_eq!(result.1, Err(StartError::AlreadyStarted(result.0)));
}

#[tokio::test(start_paused = true)]
async fn init_timeout_kills_the_server() {
    #[derive(Debug)]
    struct Slow;
    impl GenServer for Slow {
        type Arg = ();
        type Call = Infallible;
        type Reply = ();
        type Cast = Infallible;
        type Info = Infallible;
        type Continue = Infallible;
        async fn init(_: ()) -> Init<Self> {
            process::sleep(60_000).await;
            Init::Ok(Slow)
        }
    }
    let node = Node::new();
    let r = node
        .run(async { gen_server::start_link::<Slow>((), Options::new().timeout(100)).await })
        .await
        .unwrap();
    assert_eq!(r.unwrap_err(), StartError::Timeout);
    assert_eq!(node.process_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn noproc_comes_at_once_for_dead_pids_and_unknown_names() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let s = server.clone();
    node.run(async move {
        gen_server::stop(&s, ExitReason::Normal, 1000)
            .await
            .unwrap();
    })
    .await
    .unwrap();
    let began = tokio::time::Instant::now();
    let (dead, unknown) = node
        .run(async move {
            (
                gen_server::call(&server, Call::Get).await,
                gen_server::call::<Probe>("nobody", Call::Get).await,
            )
        })
        .await
        .unwrap();
    assert_eq!(dead, Err(CallError::NoProc));
    assert_eq!(unknown, Err(CallError::NoProc));
    assert_eq!(
        tokio::time::Instant::now(),
        began,
        "no time passed: not a timeout"
    );
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_call_leaves_nothing_behind() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let (first, second) = node
        .run(async move {
            let first = gen_server::call_timeout(&server, Call::Sleep(1000), 100).await;
            // The late reply (1000) must not be taken for the answer to the next call.
            let second = gen_server::call(&server, Call::Get).await;
            (first, second)
        })
        .await
        .unwrap();
    assert_eq!(first, Err(CallError::Timeout));
    assert_eq!(second, Ok(0));
}

#[tokio::test(start_paused = true)]
async fn call_with_infinity_waits_as_long_as_it_takes() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let got = node
        .run(async move {
            gen_server::call_timeout(&server, Call::Sleep(60_000), otp_core::Timeout::Infinity)
                .await
        })
        .await
        .unwrap();
    assert_eq!(got, Ok(60_000));
}

#[tokio::test]
async fn calling_self_is_an_error() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let got = node
        .run(async move { gen_server::call(&server, Call::AskItself).await })
        .await
        .unwrap();
    assert_eq!(got, Ok(-1));
}

#[tokio::test]
async fn a_server_dying_during_a_call_gives_its_reason() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Ok).await;
    let s = server.clone();
    let got = node
        .run(async move { gen_server::call(&s, Call::Panic).await })
        .await
        .unwrap();
    assert_eq!(got, Err(CallError::Exit(ExitReason::panic("call blew up"))));
    assert_eq!(entries(&l), vec!["terminate {panic, \"call blew up\"}"]);
    let (server, _) = start(&node, Start::Ok).await;
    let got = node
        .run(async move { gen_server::call(&server, Call::Stop).await })
        .await
        .unwrap();
    assert_eq!(
        got,
        Err(CallError::Exit(ExitReason::custom("stopped_in_call")))
    );
}

#[tokio::test]
async fn stop_with_a_reply_runs_terminate_before_replying() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Ok).await;
    let l2 = l.clone();
    let seen_at_reply = node
        .run(async move {
            let r = gen_server::call(&server, Call::StopReply).await;
            (r, entries(&l2))
        })
        .await
        .unwrap();
    assert_eq!(seen_at_reply.0, Ok(0));
    assert_eq!(seen_at_reply.1, vec!["terminate :normal"]);
}

#[tokio::test]
async fn deferred_replies_come_from_another_process() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let got = node
        .run(async move { gen_server::call(&server, Call::Defer).await })
        .await
        .unwrap();
    assert_eq!(got, Ok(99));
}

#[tokio::test]
async fn cast_and_send_never_fail() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    node.run(async move {
        gen_server::stop(&server, ExitReason::Normal, 1000)
            .await
            .unwrap();
        gen_server::cast(&server, Cast::Add(1));
        gen_server::send(&server, Msg::Note("nobody home"));
        gen_server::cast::<Probe>("nobody", Cast::Add(1));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn stop_runs_terminate_and_returns_once_the_server_is_gone() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Ok).await;
    let s = server.clone();
    let r = node
        .run(async move { gen_server::stop(&s, ExitReason::Normal, 5000).await })
        .await
        .unwrap();
    assert_eq!(r, Ok(()));
    assert!(!server.is_alive());
    assert_eq!(entries(&l), vec!["terminate :normal"]);
    let again = node
        .run(async move { gen_server::stop(&server, ExitReason::Normal, 5000).await })
        .await
        .unwrap();
    assert_eq!(again, Err(StopError::NoProc));
}

#[tokio::test(start_paused = true)]
async fn the_idle_timeout_fires_unless_a_message_comes() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Timeout(1000)).await;
    // Nothing before the timeout's 1000 ms, then the timeout message.
    tokio::time::advance(Duration::from_millis(999)).await;
    assert!(entries(&l).is_empty());
    for _ in 0..100 {
        if !entries(&l).is_empty() {
            break;
        }
        tokio::time::advance(Duration::from_millis(1)).await;
    }
    assert_eq!(entries(&l), vec!["info timeout"]);

    // A message before the timeout cancels it.
    let s = server.clone();
    node.run(async move {
        gen_server::cast(&s, Cast::Idle(1000));
        gen_server::call(&s, Call::Get).await.unwrap();
        process::sleep(500).await;
        gen_server::cast(&s, Cast::Add(1));
    })
    .await
    .unwrap();
    // Long past where the cancelled timeout would have fired: nothing else happened.
    tokio::time::advance(Duration::from_millis(3000)).await;
    node.run(async move { gen_server::call(&server, Call::Get).await.unwrap() })
        .await
        .unwrap();
    assert_eq!(entries(&l), vec!["info timeout", "add 1"]);
}

#[tokio::test]
async fn continue_from_init_and_from_a_cast() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Continue("from_init")).await;
    node.run(async move {
        gen_server::cast(&server, Cast::Continue("from_cast"));
        gen_server::call(&server, Call::Get).await.unwrap();
    })
    .await
    .unwrap();
    assert_eq!(
        entries(&l),
        vec!["continue from_init", "continue from_cast"]
    );
}

#[tokio::test]
async fn hibernate_is_accepted() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let got = node
        .run(async move {
            let a = gen_server::call(&server, Call::Hibernate).await;
            let b = gen_server::call(&server, Call::Get).await;
            (a, b)
        })
        .await
        .unwrap();
    assert_eq!(got, (Ok(0), Ok(0)));
}

#[tokio::test]
async fn terminate_runs_on_a_stop_result_and_on_a_panic() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Ok).await;
    gen_server::cast(&server, Cast::Stop(ExitReason::custom("done")));
    assert_eq!(server.pid().wait_exit().await, ExitReason::custom("done"));
    assert_eq!(entries(&l), vec!["terminate :done"]);

    let (server, l) = start(&node, Start::Ok).await;
    gen_server::cast(&server, Cast::Panic);
    assert_eq!(server.pid().wait_exit().await, ExitReason::panic("Boom"));
    assert_eq!(entries(&l), vec!["terminate {panic, \"Boom\"}"]);
}

#[tokio::test]
async fn terminate_runs_on_a_parent_exit_when_trapping_never_on_kill() {
    // Trapping, and the parent exits with shutdown: terminate runs with the parent's reason.
    let node = Node::new();
    let l = Log::default();
    let l2 = l.clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let parent = node
        .spawn(move |_i: Mailbox<()>| async move {
            let s = gen_server::start_link::<Probe>((Start::Trap, l2), Options::new())
                .await
                .unwrap();
            tx.send(s).unwrap();
            process::exit_self(ExitReason::Shutdown).await;
        })
        .pid();
    let server = rx.await.unwrap();
    parent.wait_exit().await;
    assert_eq!(server.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(entries(&l), vec!["terminate :shutdown"]);

    // Trapping, but killed: no terminate.
    let (server, l) = start(&node, Start::Trap).await;
    let s = server.pid();
    node.run(async move { process::exit(&s, ExitReason::Kill) })
        .await
        .unwrap();
    assert_eq!(server.pid().wait_exit().await, ExitReason::Killed);
    assert!(entries(&l).is_empty(), "terminate never runs on kill");

    // Not trapping, an exit signal: dies without terminate.
    let (server, l) = start(&node, Start::Ok).await;
    let s = server.pid();
    node.run(async move { process::exit(&s, ExitReason::Shutdown) })
        .await
        .unwrap();
    assert_eq!(server.pid().wait_exit().await, ExitReason::Shutdown);
    assert!(entries(&l).is_empty(), "no terminate without trap_exit");
}

#[tokio::test]
async fn a_trapping_server_gets_exits_from_non_parents_in_handle_info() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Trap).await;
    let s = server.pid();
    node.run(async move {
        let child = process::spawn(|_i: Mailbox<()>| async {
            process::exit_self(ExitReason::custom("oops")).await;
        });
        // Link the server to a process that dies.
        let _ = process::link(&s);
        process::unlink(&s);
        process::exit(&s, ExitReason::custom("from_a_friend"));
        child.pid().wait_exit().await;
    })
    .await
    .unwrap();
    let s = server.clone();
    node.run(async move { gen_server::call(&s, Call::Get).await.unwrap() })
        .await
        .unwrap();
    assert_eq!(entries(&l), vec!["info exit :from_a_friend"]);
    assert!(server.is_alive());
}

#[tokio::test]
async fn the_exit_reaches_links_and_monitors() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let s = server.clone();
    let (down, linked_reason) = node
        .run(async move {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let watcher = process::spawn(move |mut inbox: Mailbox<()>| async move {
                let _ = process::monitor(&s.pid());
                if let Received::Down(d) = inbox.receive().await {
                    tx.send(d.reason).unwrap();
                }
            });
            let s2 = server.clone();
            let linked = process::spawn(move |_i: Mailbox<()>| async move {
                process::link(&s2.pid()).unwrap();
                std::future::pending::<()>().await
            });
            while process::info(&linked.pid()).map(|i| i.links.is_empty()) != Some(false) {
                tokio::task::yield_now().await;
            }
            gen_server::cast(&server, Cast::Panic);
            let _ = watcher;
            (rx.await.unwrap(), linked.pid().wait_exit().await)
        })
        .await
        .unwrap();
    assert_eq!(down, ExitReason::panic("Boom"));
    assert_eq!(linked_reason, ExitReason::panic("Boom"));
}

#[tokio::test]
async fn names_work_for_calls_casts_and_whereis() {
    let node = Node::new();
    let got = node
        .run(async {
            let server = gen_server::start::<Probe>(
                (Start::Ok, Log::default()),
                Options::new().name("probe"),
            )
            .await
            .unwrap();
            gen_server::cast::<Probe>("probe", Cast::Add(3));
            gen_server::send::<Probe>("probe", Msg::Note("x"));
            let value = gen_server::call::<Probe>("probe", Call::Get).await;
            let found = gen_server::whereis::<Probe>("probe");
            let plain = process::spawn(|_i: Mailbox<()>| std::future::pending::<()>());
            process::register("plain", plain.pid()).unwrap();
            let wrong = gen_server::whereis::<Probe>("plain");
            let missing = gen_server::whereis::<Probe>("nobody");
            let wrong_call = gen_server::call::<Probe>("plain", Call::Get).await;
            (
                server,
                value,
                found,
                wrong,
                missing,
                wrong_call,
                plain.pid(),
            )
        })
        .await
        .unwrap();
    let (server, value, found, wrong, missing, wrong_call, plain) = got;
    assert_eq!(value, Ok(3));
    assert_eq!(found, Ok(server));
    assert!(matches!(wrong, Err(WhereisError::WrongKind { holder, .. }) if holder == plain));
    assert_eq!(missing, Err(WhereisError::NotFound(Name::local("nobody"))));
    assert!(matches!(wrong_call, Err(CallError::WrongKind { .. })));
}

#[tokio::test]
async fn get_state_reads_between_messages() {
    #[derive(Debug, Clone, PartialEq)]
    struct Box2(u8);
    impl GenServer for Box2 {
        type Arg = u8;
        type Call = Infallible;
        type Reply = ();
        type Cast = u8;
        type Info = Infallible;
        type Continue = Infallible;
        async fn init(n: u8) -> Init<Self> {
            Init::Ok(Box2(n))
        }
        async fn handle_cast(&mut self, n: u8) -> CastResult<Self> {
            self.0 = n;
            CastResult::NoReply
        }
    }
    let node = Node::new();
    let got = node
        .run(async {
            let s = gen_server::start::<Box2>(1, Options::new()).await.unwrap();
            gen_server::cast(&s, 7);
            gen_server::get_state(&s).await
        })
        .await
        .unwrap();
    assert_eq!(got, Ok(Box2(7)));
}

/// Runs `f` on a node with a captured console, with the console logger installed.
async fn with_console<F, Fut>(f: F) -> String
where
    F: FnOnce(Node) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    assert!(otp_core::logger::init_console());
    let console = Console::capture();
    let node = Node::with_console(console.clone());
    f(node).await;
    console.contents()
}

#[tokio::test]
async fn a_crash_report_has_elixirs_shape() {
    let out = with_console(|node| async move {
        node.run(async {
            let s = gen_server::start::<Probe>(
                (Start::Ok, Log::default()),
                Options::new().name("superman"),
            )
            .await
            .unwrap();
            gen_server::cast(&s, Cast::Add(8));
            gen_server::cast(&s, Cast::Panic);
            s.pid().wait_exit().await;
        })
        .await
        .unwrap();
    })
    .await;
    assert_eq!(
        out,
        "\n[error] GenServer :superman terminating\n** (panic) Boom\n\
         Last message: {:\"$gen_cast\", Panic}\nState: Probe { log: Mutex { data: [\"add 8\", \"terminate {panic, \\\"Boom\\\"}\"], poisoned: false, .. }, count: 8 }\n"
    );
}

#[tokio::test]
async fn stop_reasons_and_calls_are_reported_too_but_clean_exits_are_not() {
    let out = with_console(|node| async move {
        node.run(async {
            let s = gen_server::start::<Probe>((Start::Ok, Log::default()), Options::new())
                .await
                .unwrap();
            let me = process::self_pid();
            let _ = gen_server::call(&s, Call::Stop).await;
            let clean = gen_server::start::<Probe>((Start::Ok, Log::default()), Options::new())
                .await
                .unwrap();
            gen_server::cast(&clean, Cast::Stop(ExitReason::Shutdown));
            clean.pid().wait_exit().await;
            otp_core::io::puts(format!("caller was {me}, server was {s}"));
        })
        .await
        .unwrap();
    })
    .await;
    assert_eq!(
        out,
        "\n[error] GenServer #PID<0.101.0> terminating\n** (stop) :stopped_in_call\n\
         Last message (from #PID<0.100.0>): Stop\nState: Probe { log: Mutex { data: [\"terminate :stopped_in_call\"], poisoned: false, .. }, count: 0 }\n\
         Client #PID<0.100.0> is alive\n\n    (otp_core) gen_server::call_timeout/3\n\
         caller was #PID<0.100.0>, server was #PID<0.101.0>\n"
    );
}

#[tokio::test]
async fn the_default_handle_info_logs_unexpected_messages() {
    #[derive(Debug)]
    struct Quiet;
    impl GenServer for Quiet {
        type Arg = ();
        type Call = Infallible;
        type Reply = ();
        type Cast = Infallible;
        type Info = &'static str;
        type Continue = Infallible;
        async fn init(_: ()) -> Init<Self> {
            Init::Ok(Quiet)
        }
    }
    let out = with_console(|node| async move {
        node.run(async {
            let s = gen_server::start::<Quiet>((), Options::new())
                .await
                .unwrap();
            gen_server::send(&s, "surprise");
            gen_server::stop(&s, ExitReason::Normal, 1000)
                .await
                .unwrap();
        })
        .await
        .unwrap();
    })
    .await;
    assert!(
        out.contains("#PID<0.101.0> received unexpected message in handle_info/2: \"surprise\""),
        "{out}"
    );
}

/// An exit raised inside a callback (Elixir's `exit(reason)`; here `process::exit_self`) is
/// caught by the server loop as gen_server catches it: `terminate` runs with that reason, the
/// server exits with exactly that reason, the caller of the call gets it, and exactly one crash
/// report is logged.
#[tokio::test]
async fn an_exit_inside_a_callback_runs_terminate_and_is_the_servers_reason() {
    let l: Log = Log::default();
    let l2 = l.clone();
    let out = with_console(|node| async move {
        let (got, reason) = node
            .run(async move {
                let s = gen_server::start::<Probe>((Start::Ok, l2), Options::new())
                    .await
                    .unwrap();
                let got = gen_server::call(&s, Call::Exit(ExitReason::custom("bye"))).await;
                (got, s.pid().wait_exit().await)
            })
            .await
            .unwrap();
        assert_eq!(got, Err(CallError::Exit(ExitReason::custom("bye"))));
        assert_eq!(reason, ExitReason::custom("bye"));
    })
    .await;
    assert_eq!(entries(&l), vec!["terminate :bye"]);
    assert_eq!(out.matches("terminating").count(), 1, "{out}");
    assert!(out.contains("** (stop) :bye"), "{out}");
}

/// A `start_link` whose init fails while the caller traps exits: the caller gets the error and
/// no `{:EXIT, pid, reason}` is left in its mailbox (proc_lib consumes it since OTP 26; OTP 25
/// left it there), whether init returned a stop tuple, raised an exit, panicked, was killed or
/// returned `:ignore`. Started again and again, it leaves no process, no name and no message.
#[tokio::test]
async fn start_link_init_failure_leaves_no_exit_message_when_trapping() {
    let cases = [
        (
            Start::Stop,
            StartError::Stop(ExitReason::custom("bad_start")),
        ),
        (
            Start::Exit,
            StartError::Stop(ExitReason::custom("bad_start")),
        ),
        (
            Start::Panic,
            StartError::Stop(ExitReason::panic("init blew up")),
        ),
        (Start::Killed, StartError::Stop(ExitReason::Killed)),
        (Start::Ignore, StartError::Ignore),
    ];
    for (how, expected) in cases {
        let node = Node::new();
        let label = format!("{how:?}");
        let (tx, rx) = tokio::sync::oneshot::channel();
        let caller = node.spawn(move |mut inbox: Mailbox<()>| async move {
            process::trap_exit(true);
            let mut seen = Vec::new();
            for _ in 0..3 {
                let how = match &how {
                    Start::Stop => Start::Stop,
                    Start::Exit => Start::Exit,
                    Start::Panic => Start::Panic,
                    Start::Killed => Start::Killed,
                    _ => Start::Ignore,
                };
                let r = gen_server::start_link::<Probe>(
                    (how, Log::default()),
                    Options::new().name("probe"),
                )
                .await;
                let left: Vec<String> = inbox
                    .flush()
                    .into_iter()
                    .map(|m| format!("{m:?}"))
                    .collect();
                let name_free = process::whereis(&Name::local("probe")).is_none();
                seen.push((r.map(|s| s.pid()), left, name_free));
            }
            let _ = tx.send(seen);
        });
        for (result, left, name_free) in rx.await.unwrap() {
            assert_eq!(result, Err(expected.clone()), "{label}");
            assert!(left.is_empty(), "{label}: {left:?}");
            assert!(name_free, "{label}");
        }
        caller.pid().wait_exit().await;
        assert_eq!(node.process_count(), 0, "{label}: nothing left behind");
    }
}

/// A `register_name` call: the pid to name, and the process that asked.
type Registration = (otp_core::Pid, Option<otp_core::Pid>);

/// A via registry that notes which process called `register_name`, and for which pid.
#[derive(Clone, Default)]
struct Noting {
    names: Arc<Mutex<std::collections::HashMap<String, otp_core::Pid>>>,
    calls: Arc<Mutex<Vec<Registration>>>,
}

impl otp_core::Via for Noting {
    type Key = String;
    fn register_name(&self, key: &String, pid: &otp_core::Pid) -> bool {
        self.calls
            .lock()
            .unwrap()
            .push((pid.clone(), process::current()));
        let mut names = self.names.lock().unwrap();
        if names.get(key).is_some_and(|p| p.is_alive()) {
            return false;
        }
        names.insert(key.clone(), pid.clone());
        true
    }
    fn unregister_name(&self, key: &String) {
        self.names.lock().unwrap().remove(key);
    }
    fn whereis_name(&self, key: &String) -> Option<otp_core::Pid> {
        self.names.lock().unwrap().get(key).cloned()
    }
}

/// With a via name, the registry's `register_name` is called by the new process itself (its
/// pid is `self()`, as Elixir's Registry requires), and the name is unregistered before a
/// failed start returns, whatever way init failed: a stop tuple, an exit, `:ignore`, a panic.
#[tokio::test]
async fn a_via_name_is_registered_by_the_new_process_and_freed_by_a_failed_start() {
    let node = Node::new();
    let names = Noting::default();
    let via = Name::via(names.clone(), "probe".to_string());
    let v = via.clone();
    let started = node
        .run(async move {
            gen_server::start_link::<Probe>((Start::Ok, Log::default()), Options::new().name(v))
                .await
                .unwrap()
        })
        .await
        .unwrap();
    assert_eq!(
        names.calls.lock().unwrap().clone(),
        vec![(started.pid(), Some(started.pid()))],
        "(the pid registered, the process that called register_name)"
    );
    let s = started.clone();
    node.run(async move { gen_server::stop(&s, ExitReason::Normal, 1000).await })
        .await
        .unwrap()
        .unwrap();
    names.names.lock().unwrap().clear();
    for how in [Start::Stop, Start::Exit, Start::Ignore, Start::Panic] {
        let label = format!("{how:?}");
        let v = via.clone();
        let (result, held) = node
            .run(async move {
                let r = gen_server::start_link::<Probe>(
                    (how, Log::default()),
                    Options::new().name(v.clone()),
                )
                .await;
                let Name::Via(key) = &v else { unreachable!() };
                (r.map(|s| s.pid()), key.whereis())
            })
            .await
            .unwrap();
        assert!(result.is_err(), "{label}");
        assert_eq!(
            held, None,
            "{label}: the name is free when start_link returns"
        );
        let (pid, caller) = names.calls.lock().unwrap().last().cloned().unwrap();
        assert_eq!(Some(pid), caller, "{label}: registered by the new process");
    }
}

/// `GenServer.start` (no link): the server is its own parent, so the starter's later exit does
/// not stop it; and when the server links to its starter and traps exits, the starter's exit
/// reaches `handle_info` as `{:EXIT, pid, reason}` (it is not the parent's exit, which would
/// stop the server).
#[tokio::test]
async fn start_without_link_is_its_own_parent_so_the_starters_exit_reaches_handle_info() {
    for how in [Start::Ok, Start::TrapAndLinkStarter] {
        let label = format!("{how:?}");
        let node = Node::new();
        let l: Log = Log::default();
        let l2 = l.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let starter = node.spawn(move |_inbox: Mailbox<()>| async move {
            let s = gen_server::start::<Probe>((how, l2), Options::new())
                .await
                .unwrap();
            tx.send(s).unwrap();
            process::exit_self(ExitReason::custom("bye")).await;
        });
        let server = rx.await.unwrap();
        assert_eq!(starter.pid().wait_exit().await, ExitReason::custom("bye"));
        let s = server.clone();
        let count = node
            .run(async move { gen_server::call(&s, Call::Get).await })
            .await
            .unwrap();
        assert_eq!(count, Ok(0), "{label}: the server lives on");
        let expected: Vec<String> = match label.as_str() {
            "Ok" => vec![],
            _ => vec![format!("info exit :bye")],
        };
        assert_eq!(entries(&l), expected, "{label}");
    }
}

/// `GenServer.stop` called by the server on itself, like a call to itself (or `:sys.get_state`
/// of itself), fails at once with `calling_self`: never a hang, never a timeout.
#[tokio::test(start_paused = true)]
async fn stop_or_call_to_itself_is_calling_self_at_once() {
    let node = Node::new();
    let (server, _) = start(&node, Start::Ok).await;
    let began = tokio::time::Instant::now();
    let got = node
        .run(async move {
            let patient = otp_core::Timeout::Infinity;
            let within = std::time::Duration::from_secs(60);
            let mut answers = Vec::new();
            for ask in [Call::AskItself, Call::StopItself, Call::InspectItself] {
                let answer =
                    tokio::time::timeout(within, gen_server::call_timeout(&server, ask, patient));
                answers.push(answer.await.ok());
            }
            answers
        })
        .await
        .unwrap();
    assert_eq!(got, vec![Some(Ok(-1)), Some(Ok(-2)), Some(Ok(-3))]);
    assert_eq!(
        tokio::time::Instant::now(),
        began,
        "at once: no time passed"
    );
}

/// A server with none of `handle_call`, `handle_cast`, `handle_info` of its own.
#[derive(Debug)]
struct Bare;

impl GenServer for Bare {
    type Arg = ();
    type Call = u32;
    type Reply = u32;
    type Cast = u32;
    type Info = &'static str;
    type Continue = Infallible;
    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Bare)
    }
    fn module() -> &'static str {
        "Bare"
    }
}

/// The defaults of `use GenServer`: without `handle_call` a call stops the server with the
/// RuntimeError Elixir raises, "attempted to call GenServer <name> but no handle_call/3 clause
/// was provided" (here a panic, this crate's raise), naming the server by its registered name
/// or else its pid, and the crash report shows it; the same for a cast. Without `handle_info`
/// a message is logged as unexpected, naming the registered name, and the server lives on.
#[tokio::test]
async fn missing_callbacks_stop_or_log_as_elixirs_defaults_do() {
    let out = with_console(|node| async move {
        node.run(async {
            let named = gen_server::start::<Bare>((), Options::new().name("bare"))
                .await
                .unwrap();
            gen_server::send(&named, "hi");
            assert_eq!(
                gen_server::inspect(&named, |_: &Bare| ()).await,
                Ok(()),
                "alive"
            );
            let called = gen_server::call(&named, 1).await;
            let no_call =
                "attempted to call GenServer :bare but no handle_call/3 clause was provided";
            assert_eq!(called, Err(CallError::Exit(ExitReason::panic(no_call))));

            let unnamed = gen_server::start::<Bare>((), Options::new()).await.unwrap();
            gen_server::send(&unnamed, "ho");
            gen_server::cast(&unnamed, 2);
            let no_cast = format!(
                "attempted to cast GenServer {unnamed} but no handle_cast/2 clause was provided"
            );
            assert_eq!(unnamed.pid().wait_exit().await, ExitReason::panic(no_cast));
        })
        .await
        .unwrap();
    })
    .await;
    let lines: Vec<&str> = out.lines().collect();
    for expected in [
        "[error] Bare :bare received unexpected message in handle_info/2: \"hi\"",
        "** (panic) attempted to call GenServer :bare but no handle_call/3 clause was provided",
        "[error] Bare #PID<0.102.0> received unexpected message in handle_info/2: \"ho\"",
        "** (panic) attempted to cast GenServer #PID<0.102.0> but no handle_cast/2 clause was provided",
    ] {
        assert!(lines.contains(&expected), "{expected}\n--- in ---\n{out}");
    }
}

/// Crash reports as Elixir's Logger translator prints them. A crash in a call says who called,
/// by registered name when the client has one, and whether the client is alive (with where it
/// waits: in the call) or dead; a stop that did not come from a message has `[]` for its last
/// message, as gen_server's report has for a `GenServer.stop`.
#[tokio::test(start_paused = true)]
async fn crash_reports_name_the_client_and_say_whether_it_lives() {
    let out = with_console(|node| async move {
        node.run(async {
            // 1. A named client, waiting in the call while the server crashes.
            let s = gen_server::start::<Probe>((Start::Ok, Log::default()), Options::new())
                .await
                .unwrap();
            process::register("shell", process::self_pid()).unwrap();
            let _ = gen_server::call(&s, Call::Panic).await;
            process::unregister("shell");
            otp_core::io::puts("-- 2");
            // 2. A client that gave up and exited before the server crashed.
            let s = gen_server::start::<Probe>((Start::Ok, Log::default()), Options::new())
                .await
                .unwrap();
            let target = s.clone();
            let client = process::spawn(move |_i: Mailbox<()>| async move {
                let _ = gen_server::call_timeout(&target, Call::SleepThenPanic(100), 10).await;
            });
            client.pid().wait_exit().await;
            s.pid().wait_exit().await;
            otp_core::io::puts("-- 3");
            // 3. GenServer.stop with an abnormal reason.
            let s = gen_server::start::<Probe>((Start::Ok, Log::default()), Options::new())
                .await
                .unwrap();
            let _ = gen_server::stop(&s, ExitReason::custom("enough"), 1000).await;
        })
        .await
        .unwrap();
    })
    .await;
    let reports: Vec<&str> = out.split("-- ").collect();
    assert_eq!(
        reports[0],
        "\n[error] GenServer #PID<0.101.0> terminating\n** (panic) call blew up\n\
         Last message (from :shell): Panic\n\
         State: Probe { log: Mutex { data: [\"terminate {panic, \\\"call blew up\\\"}\"], poisoned: false, .. }, count: 0 }\n\
         Client :shell is alive\n\n    (otp_core) gen_server::call_timeout/3\n"
    );
    assert_eq!(
        reports[1],
        "2\n\n[error] GenServer #PID<0.102.0> terminating\n** (panic) too late\n\
         Last message (from #PID<0.103.0>): SleepThenPanic(100)\n\
         State: Probe { log: Mutex { data: [\"terminate {panic, \\\"too late\\\"}\"], poisoned: false, .. }, count: 0 }\n\
         Client #PID<0.103.0> is dead\n"
    );
    assert_eq!(
        reports[2],
        "3\n\n[error] GenServer #PID<0.104.0> terminating\n** (stop) :enough\n\
         Last message: []\n\
         State: Probe { log: Mutex { data: [\"terminate :enough\"], poisoned: false, .. }, count: 0 }\n"
    );
}

/// A server whose `format_status` panics, and which panics on a cast.
#[derive(Clone, Debug, PartialEq)]
struct Fragile(u32);

impl GenServer for Fragile {
    type Arg = ();
    type Call = Infallible;
    type Reply = ();
    type Cast = ();
    type Info = Infallible;
    type Continue = Infallible;
    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Fragile(1))
    }
    async fn handle_cast(&mut self, (): ()) -> CastResult<Self> {
        CastResult::Stop(ExitReason::custom("boom"))
    }
    fn format_status(&self) -> String {
        panic!("cannot show myself")
    }
    fn module() -> &'static str {
        "Fragile"
    }
}

/// A crash inside `format_status` while the server crashes changes neither the exit reason nor
/// the number of reports: one report, whose state says that `format_status` crashed, as
/// gen_server's does. A state function of `get_state`/`replace_state` that panics fails the
/// request (`{:callback_failed, ...}` in OTP) and leaves the server alive with its old state.
#[tokio::test]
async fn a_crash_in_format_status_or_a_state_function_changes_nothing_else() {
    let out = with_console(|node| async move {
        node.run(async {
            let s = gen_server::start::<Fragile>((), Options::new())
                .await
                .unwrap();
            let looked =
                gen_server::inspect(&s, |_: &Fragile| -> u32 { panic!("cannot look") }).await;
            assert_eq!(
                looked,
                Err(CallError::CallbackFailed(ExitReason::panic("cannot look")))
            );
            let replaced = gen_server::replace_state(&s, |_: &Fragile| -> Fragile {
                panic!("cannot replace")
            })
            .await;
            assert_eq!(
                replaced,
                Err(CallError::CallbackFailed(ExitReason::panic(
                    "cannot replace"
                )))
            );
            assert_eq!(
                gen_server::get_state(&s).await,
                Ok(Fragile(1)),
                "alive, as it was"
            );
            assert_eq!(
                gen_server::replace_state(&s, |f: &Fragile| Fragile(f.0 + 1)).await,
                Ok(Fragile(2))
            );
            gen_server::cast(&s, ());
            assert_eq!(s.pid().wait_exit().await, ExitReason::custom("boom"));
        })
        .await
        .unwrap();
    })
    .await;
    assert_eq!(
        out,
        "\n[error] GenServer #PID<0.101.0> terminating\n** (stop) :boom\n\
         Last message: {:\"$gen_cast\", ()}\nState: Fragile:format_status/1 crashed\n"
    );
}

/// A plain timeout returned from a callback (`{:noreply, state, 100}`) is not cancelled by a
/// system message such as `:sys.get_state`: the timeout still fires. As in gen_server, the
/// system message sends the server back to waiting with the same timeout, which runs again
/// from there: 100 ms after the `get_state`.
#[tokio::test(start_paused = true)]
async fn a_callback_timeout_survives_a_system_message() {
    let node = Node::new();
    let (server, l) = start(&node, Start::Ok).await;
    let s = server.clone();
    node.run(async move {
        gen_server::cast(&s, Cast::Idle(100));
        process::sleep(50).await;
        gen_server::inspect(&s, |p: &Probe| p.count).await.unwrap();
        process::sleep(99).await;
        assert!(entries(&l).is_empty(), "not yet: 99 ms after the get_state");
        process::sleep(2).await;
        assert_eq!(entries(&l), vec!["info timeout"]);
    })
    .await
    .unwrap();
}

/// A server whose `init` asks another server and waits for the answer: its starter takes the
/// first steps of `init` itself and hands the rest to the server's own task, which must see it
/// through as the server (`self()` is the server's pid, not the starter's).
#[tokio::test]
async fn an_init_that_waits_is_finished_by_the_servers_own_task() {
    #[derive(Debug)]
    struct Oracle;
    impl GenServer for Oracle {
        type Arg = ();
        type Call = ();
        type Reply = u64;
        type Cast = Infallible;
        type Info = Infallible;
        type Continue = Infallible;
        async fn init(_: ()) -> Init<Self> {
            Init::Ok(Oracle)
        }
        async fn handle_call(&mut self, _: (), _: &Caller<u64>) -> CallResult<Self> {
            CallResult::Reply(42)
        }
    }
    #[derive(Debug)]
    struct Asker {
        answer: u64,
        me_in_init: otp_core::Pid,
    }
    impl GenServer for Asker {
        type Arg = ServerRef<Oracle>;
        type Call = ();
        type Reply = (u64, otp_core::Pid);
        type Cast = Infallible;
        type Info = Infallible;
        type Continue = Infallible;
        async fn init(oracle: ServerRef<Oracle>) -> Init<Self> {
            let me_in_init = process::self_pid();
            let answer = gen_server::call(&oracle, ())
                .await
                .expect("the oracle answers");
            Init::Ok(Asker { answer, me_in_init })
        }
        async fn handle_call(&mut self, _: (), _: &Caller<Self::Reply>) -> CallResult<Self> {
            CallResult::Reply((self.answer, self.me_in_init.clone()))
        }
    }
    let node = Node::new();
    node.run(async {
        let oracle = gen_server::start_link::<Oracle>((), Options::new())
            .await
            .unwrap();
        let asker = gen_server::start_link::<Asker>(oracle, Options::new())
            .await
            .unwrap();
        let (answer, me_in_init) = gen_server::call(&asker, ()).await.unwrap();
        assert_eq!(answer, 42);
        assert_eq!(me_in_init, asker.pid());
        assert_ne!(me_in_init, process::self_pid());
    })
    .await
    .unwrap();
}

/// The name a server starts under is registered once, before `init`: a name freed right after
/// the start returned stays free once the server's own task has run.
#[tokio::test]
async fn a_name_freed_after_the_start_is_not_taken_again_by_the_server() {
    #[derive(Debug)]
    struct Named;
    impl GenServer for Named {
        type Arg = ();
        type Call = ();
        type Reply = ();
        type Cast = Infallible;
        type Info = Infallible;
        type Continue = Infallible;
        async fn init(_: ()) -> Init<Self> {
            Init::Ok(Named)
        }
        async fn handle_call(&mut self, _: (), _: &Caller<()>) -> CallResult<Self> {
            CallResult::Reply(())
        }
    }
    let node = Node::new();
    node.run(async {
        let s = gen_server::start_link::<Named>((), Options::new().name("named"))
            .await
            .unwrap();
        assert_eq!(process::whereis(&Name::from("named")), Some(s.pid()));
        assert!(process::unregister("named"));
        // The server has run (it answered), and its name is still free.
        gen_server::call(&s, ()).await.unwrap();
        assert_eq!(process::whereis(&Name::from("named")), None);
    })
    .await
    .unwrap();
}

/// What the two time-slice tests below watch: whether another process has run yet, and how far
/// the busy server had got when it first saw that it had.
#[derive(Debug, Clone, Default)]
struct Witness {
    other_ran: Arc<std::sync::atomic::AtomicBool>,
    seen_at: Arc<std::sync::atomic::AtomicU64>,
}

impl Witness {
    /// Called by the busy server after each step (`done` steps so far).
    fn note(&self, done: u64) {
        use std::sync::atomic::Ordering;
        if self.other_ran.load(Ordering::Relaxed) && self.seen_at.load(Ordering::Relaxed) == 0 {
            self.seen_at.store(done, Ordering::Relaxed);
        }
    }

    /// Spawns the other process, which only marks that it ran. Called after the busy server's
    /// task was woken, so that on a one-thread runtime this process is queued behind it.
    fn spawn_other(&self) {
        let other_ran = self.other_ran.clone();
        process::spawn(move |_: Mailbox<()>| async move {
            other_ran.store(true, std::sync::atomic::Ordering::Relaxed);
        });
    }

    /// The other process ran while the server was busy: after its first step, before its last.
    #[track_caller]
    fn assert_ran_between(&self, steps: u64, what: &str) {
        let seen = self.seen_at.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            seen > 0 && seen < steps,
            "the other process ran only after all {steps} {what} (seen at {seen})"
        );
    }
}

/// A server with a long run of messages waiting yields now and then (after a time slice), so
/// that other processes on its thread still run: on a one-thread runtime, a process spawned
/// after the casts runs before the server has handled them all.
#[tokio::test]
async fn a_busy_server_lets_other_processes_run() {
    #[derive(Debug)]
    struct Busy {
        witness: Witness,
        handled: u64,
    }
    impl GenServer for Busy {
        type Arg = Witness;
        type Call = ();
        type Reply = u64;
        type Cast = ();
        type Info = Infallible;
        type Continue = Infallible;
        async fn init(witness: Witness) -> Init<Self> {
            Init::Ok(Busy {
                witness,
                handled: 0,
            })
        }
        async fn handle_cast(&mut self, (): ()) -> CastResult<Self> {
            self.handled += 1;
            self.witness.note(self.handled);
            CastResult::NoReply
        }
        async fn handle_call(&mut self, (): (), _: &Caller<u64>) -> CallResult<Self> {
            CallResult::Reply(self.handled)
        }
    }

    // Far more casts than a slice holds: handling them takes milliseconds, a slice 100 µs.
    const CASTS: u64 = 200_000;
    let witness = Witness::default();
    let w = witness.clone();
    Node::new()
        .run(async move {
            let busy = gen_server::start_link::<Busy>(w.clone(), Options::new())
                .await
                .unwrap();
            for _ in 0..CASTS {
                gen_server::cast(&busy, ());
            }
            w.spawn_other();
            assert_eq!(gen_server::call(&busy, ()).await, Ok(CASTS));
        })
        .await
        .unwrap();
    witness.assert_ran_between(CASTS, "casts");
}

/// A server that chains continues (each `handle_continue` returning another) yields once per
/// time slice too, as a BEAM process is preempted whatever it runs: another process on its
/// one-thread runtime runs before the chain ends.
#[tokio::test]
async fn a_chain_of_continues_lets_other_processes_run() {
    // Far more links than a slice holds: running them takes milliseconds, a slice 100 µs.
    const LINKS: u64 = 200_000;

    #[derive(Debug)]
    struct Chain {
        witness: Witness,
        done: u64,
    }
    impl GenServer for Chain {
        type Arg = Witness;
        type Call = ();
        type Reply = u64;
        type Cast = ();
        type Info = Infallible;
        type Continue = ();
        async fn init(witness: Witness) -> Init<Self> {
            Init::Ok(Chain { witness, done: 0 })
        }
        async fn handle_cast(&mut self, (): ()) -> CastResult<Self> {
            CastResult::NoReplyThen(Then::Continue(()))
        }
        async fn handle_continue(&mut self, (): ()) -> CastResult<Self> {
            self.done += 1;
            self.witness.note(self.done);
            if self.done < LINKS {
                CastResult::NoReplyThen(Then::Continue(()))
            } else {
                CastResult::NoReply
            }
        }
        async fn handle_call(&mut self, (): (), _: &Caller<u64>) -> CallResult<Self> {
            CallResult::Reply(self.done)
        }
    }

    let witness = Witness::default();
    let w = witness.clone();
    Node::new()
        .run(async move {
            let chain = gen_server::start_link::<Chain>(w.clone(), Options::new())
                .await
                .unwrap();
            gen_server::cast(&chain, ());
            w.spawn_other();
            // The call waits behind the whole chain: a continue runs before any message.
            assert_eq!(gen_server::call(&chain, ()).await, Ok(LINKS));
        })
        .await
        .unwrap();
    witness.assert_ran_between(LINKS, "continues");
}
