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
    QueueThenContinue,
    Trap,
}

#[derive(Debug)]
enum Call {
    Get,
    Sleep(u64),
    Panic,
    StopReply,
    Stop,
    Defer,
    Hibernate,
    AskItself,
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
            Start::QueueThenContinue => {
                gen_server::cast(gen_server::self_ref::<Probe>(), Cast::Add(1));
                Init::OkThen(state, Then::Continue("first"))
            }
            Start::Trap => {
                process::trap_exit(true);
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
