//! Distribution between running Rust nodes, no Erlang needed: remote pids, messages as terms,
//! GenServer calls and casts, links, monitors and exit signals both ways, node monitors, lost
//! connections, simultaneous connects and a hostile peer.
//!
//! Most tests put both nodes on an in-memory network of their own (the bytes of a socket, in
//! one program), which lets those that wait for timers run under tokio's paused clock; two
//! run over TCP on 127.0.0.1, without EPMD. Every wait is bounded.

use std::convert::Infallible;
use std::time::Duration;

use otp_core::dist::{self, Cookie, DistNode, MemoryNetwork, Ping};
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, RemoteCodec,
};
use otp_core::term::{FromTerm, IntoTerm, Term, TermError};
use otp_core::{Atom, ExitReason, Mailbox, Name, Node, Pid, Received, process};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Every wait in these tests gives up after this long.
const LIMIT: Duration = Duration::from_secs(10);

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// Two nodes, `a@memory` and `b@memory`, on a network of their own.
async fn two_nodes() -> (Node, Node) {
    let net = MemoryNetwork::new();
    let (a, b) = (Node::new(), Node::new());
    for (node, name) in [(&a, "a@memory"), (&b, "b@memory")] {
        node.distribute(DistNode::builder(name, Cookie::new("secret")).memory(&net))
            .await
            .unwrap();
    }
    (a, b)
}

/// `pid` (a process of `from`) as `to` sees it: what a pid in a message becomes there.
fn seen_from(to: &Node, from: &Node, pid: &Pid) -> Pid {
    to.pid_of(&from.external_pid(pid))
        .expect("a distributed node")
}

/// A process of `node` that traps exits and reports everything it receives, as text.
fn watcher(node: &Node) -> (Pid, UnboundedReceiver<String>) {
    let (tx, rx) = unbounded_channel();
    let pid = node
        .spawn(move |mut inbox: Mailbox<Term>| async move {
            process::trap_exit(true);
            loop {
                let text = match inbox.receive().await {
                    Received::Msg(term) => term.to_string(),
                    Received::Exit { from, reason } => format!("{{:EXIT, {from}, {reason}}}"),
                    Received::Down(down) => {
                        format!("{{:DOWN, :process, {}, {}}}", down.pid, down.reason)
                    }
                    Received::NodeDown(node) => format!("{{:nodedown, {node}}}"),
                };
                if tx.send(text).is_err() {
                    return;
                }
            }
        })
        .pid();
    (pid, rx)
}

async fn next(rx: &mut UnboundedReceiver<String>) -> String {
    within("a message", rx.recv()).await.expect("still running")
}

/// Runs `f` in a process of `node` (which traps exits) and returns what it returns.
async fn on<T: Send + 'static>(
    node: &Node,
    f: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    within(
        "the process",
        node.run(async move {
            process::trap_exit(true);
            f.await
        }),
    )
    .await
    .expect("the test process survives")
}

/// Runs `f` in a process of `node` whose messages are terms, and returns what it returns.
async fn in_process<T, F, Fut>(node: &Node, f: F) -> T
where
    T: Send + 'static,
    F: FnOnce(Mailbox<Term>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    let pid = node
        .spawn(move |inbox: Mailbox<Term>| async move {
            let _ = tx.send(f(inbox).await);
        })
        .pid();
    match within("the process", rx).await {
        Ok(out) => out,
        Err(_) => panic!("the process exited with {}", pid.wait_exit().await),
    }
}

/// A process that waits until killed.
fn idle(node: &Node) -> Pid {
    node.spawn(|_: Mailbox<()>| std::future::pending()).pid()
}

#[tokio::test]
async fn terms_reach_remote_names_and_pids_and_pids_come_back_unchanged() {
    let (a, b) = two_nodes().await;
    // On a: a process registered as :echo that answers {:ping, from} with {:pong, from, self()}
    // and tells the test how it saw the sender's pid.
    let (seen_tx, mut seen) = unbounded_channel();
    let echo = a.spawn(move |mut inbox: Mailbox<Term>| async move {
        while let Received::Msg(term) = inbox.receive().await {
            if let Some([tag, from]) = term.as_tuple()
                && tag.is_atom("ping")
            {
                let from = Pid::from_term(from.clone()).expect("a pid");
                seen_tx.send(from.to_string()).unwrap();
                let me = process::self_pid();
                process::send_term(&from, (Atom::from("pong"), from.clone(), me));
            }
        }
    });
    let registered = echo.pid();
    on(
        &a,
        async move { process::register("echo", registered).unwrap() },
    )
    .await;

    let (tx, rx) = tokio::sync::oneshot::channel();
    let pinger = b.spawn(move |mut inbox: Mailbox<Term>| async move {
        let me = process::self_pid();
        // Elixir: send({:echo, :"a@memory"}, {:ping, self()})
        let ping = (Atom::from("ping"), me.clone()).into_term();
        process::send_named(&Name::remote("echo", "a@memory"), ping).unwrap();
        let Received::Msg(pong) = inbox.receive().await else {
            panic!("expected the pong")
        };
        let Some([_, mine, theirs]) = pong.as_tuple() else {
            panic!("{pong}")
        };
        let mine = Pid::from_term(mine.clone()).unwrap();
        let theirs = Pid::from_term(theirs.clone()).unwrap();
        let _ = tx.send((mine == me, theirs.to_string(), theirs.node_name()));
    });

    let seen = within("the ping", seen.recv()).await.unwrap();
    assert_eq!(seen, format!("#PID<1.{}.0>", pinger.pid().id()));
    let (came_back_the_same, echo_there, echo_node) = within("the pong", rx).await.unwrap();
    assert!(came_back_the_same, "b's own pid came back as the same pid");
    assert_eq!(echo_there, format!("#PID<1.{}.0>", echo.pid().id()));
    assert_eq!(echo_node, "a@memory");
    assert_eq!(
        (a.nodes(), b.nodes()),
        (vec![Atom::from("b@memory")], vec![Atom::from("a@memory")])
    );

    // A message of a type that is not a term cannot leave the node.
    let refused = on(&b, async {
        process::send_named(&Name::remote("echo", "a@memory"), "text")
    })
    .await;
    assert!(
        matches!(refused, Err(process::SendError::NotATerm { .. })),
        "{refused:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A GenServer both nodes know

#[derive(Debug)]
struct Counter(i64);

#[derive(Clone, Debug)]
enum Call {
    Get,
    Sleep(u64),
    Crash,
}

#[derive(Debug)]
struct Add(i64);

impl IntoTerm for Call {
    fn into_term(self) -> Term {
        match self {
            Call::Get => Term::atom("get"),
            Call::Sleep(ms) => (Atom::from("sleep"), ms).into_term(),
            Call::Crash => Term::atom("crash"),
        }
    }
}

impl FromTerm for Call {
    fn from_term(term: Term) -> Result<Self, TermError> {
        if term.is_atom("get") {
            return Ok(Call::Get);
        }
        if term.is_atom("crash") {
            return Ok(Call::Crash);
        }
        let (tag, ms): (Atom, u64) = FromTerm::from_term(term.clone())
            .map_err(|_| TermError::new(":get, :crash or {:sleep, ms}", &term))?;
        if tag == "sleep" {
            Ok(Call::Sleep(ms))
        } else {
            Err(TermError::new(":get, :crash or {:sleep, ms}", &term))
        }
    }
}

impl IntoTerm for Add {
    fn into_term(self) -> Term {
        (Atom::from("add"), self.0).into_term()
    }
}

impl FromTerm for Add {
    fn from_term(term: Term) -> Result<Self, TermError> {
        let (tag, n): (Atom, i64) = FromTerm::from_term(term.clone())?;
        if tag == "add" {
            Ok(Add(n))
        } else {
            Err(TermError::new("{:add, n}", &term))
        }
    }
}

impl GenServer for Counter {
    type Arg = i64;
    type Call = Call;
    type Reply = i64;
    type Cast = Add;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(start: i64) -> Init<Self> {
        Init::Ok(Counter(start))
    }

    async fn handle_call(&mut self, call: Call, _from: &Caller<i64>) -> CallResult<Self> {
        match call {
            Call::Get => CallResult::Reply(self.0),
            Call::Sleep(ms) => {
                process::sleep(ms).await;
                CallResult::Reply(self.0)
            }
            Call::Crash => panic!("asked to crash"),
        }
    }

    async fn handle_cast(&mut self, Add(n): Add) -> CastResult<Self> {
        self.0 += n;
        CastResult::NoReply
    }

    fn remote() -> Option<RemoteCodec<Self>> {
        Some(RemoteCodec::new())
    }
}

/// A client that speaks to `:counter` with requests of another shape.
#[derive(Debug)]
struct Stranger;

impl GenServer for Stranger {
    type Arg = ();
    type Call = String;
    type Reply = i64;
    type Cast = Infallible;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Stranger)
    }

    fn remote() -> Option<RemoteCodec<Self>> {
        Some(RemoteCodec::new())
    }
}

/// The same counter, without opting in to remote messages.
#[derive(Debug)]
struct LocalOnly;

impl GenServer for LocalOnly {
    type Arg = ();
    type Call = Call;
    type Reply = i64;
    type Cast = Infallible;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(LocalOnly)
    }
}

#[tokio::test]
async fn gen_server_calls_and_casts_cross_and_fail_the_ways_otp_fails() {
    let (a, b) = two_nodes().await;
    gen_server::start_on::<Counter>(&a, 10, Options::new().name("counter"))
        .await
        .unwrap();
    let counter = ("counter", "a@memory");
    let results = on(&b, async move {
        gen_server::cast::<Counter>(counter, Add(5));
        let got = gen_server::call::<Counter>(counter, Call::Get).await;
        let missing = gen_server::call::<Counter>(("nobody", "a@memory"), Call::Get).await;
        let strange = gen_server::call::<Stranger>(counter, "what?".to_string()).await;
        let not_remote = gen_server::call::<LocalOnly>(counter, Call::Get).await;
        (got, missing, strange, not_remote)
    })
    .await;
    let (got, missing, strange, not_remote) = results;
    assert_eq!(got, Ok(15));
    assert_eq!(missing, Err(CallError::NoProc));
    match strange {
        Err(CallError::BadReply(e)) => assert!(
            e.found()
                .starts_with("{:error, {:bad_request, \"expected :get, :crash"),
            "{e}"
        ),
        other => panic!("expected the server's refusal, got {other:?}"),
    }
    assert!(matches!(not_remote, Err(CallError::NotRemote(_))));
}

#[tokio::test(start_paused = true)]
async fn a_remote_call_that_times_out_leaves_nothing_behind() {
    let (a, b) = two_nodes().await;
    gen_server::start_on::<Counter>(&a, 1, Options::new().name("counter"))
        .await
        .unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    b.spawn(move |mut inbox: Mailbox<Term>| async move {
        let counter = ("counter", "a@memory");
        let late = gen_server::call_timeout::<Counter>(counter, Call::Sleep(300), 50).await;
        // The late reply comes meanwhile, and must not reach this process.
        let after = gen_server::call::<Counter>(counter, Call::Sleep(400)).await;
        let stray = inbox.receive_timeout(100).await.map(|m| format!("{m:?}"));
        let _ = tx.send((late, after, stray));
    });
    let (late, after, stray) = within("the calls", rx).await.unwrap();
    assert_eq!(late, Err(CallError::Timeout));
    assert_eq!(after, Ok(1));
    assert_eq!(stray, None, "nothing left in the caller's mailbox");
}

#[tokio::test(start_paused = true)]
async fn a_remote_server_that_dies_mid_call_gives_its_reason_and_a_lost_node_nodedown() {
    let (a, b) = two_nodes().await;
    gen_server::start_on::<Counter>(&a, 1, Options::new().name("counter"))
        .await
        .unwrap();
    let crashed = on(&b, async {
        gen_server::call::<Counter>(("counter", "a@memory"), Call::Crash).await
    })
    .await;
    assert_eq!(
        crashed,
        Err(CallError::Exit(ExitReason::panic("asked to crash")))
    );

    gen_server::start_on::<Counter>(&a, 1, Options::new().name("counter"))
        .await
        .unwrap();
    let b2 = b.clone();
    let lost = on(&b, async move {
        let call = gen_server::call::<Counter>(("counter", "a@memory"), Call::Sleep(5000));
        let cut = async {
            process::sleep(100).await;
            assert!(b2.disconnect("a@memory"));
        };
        tokio::join!(call, cut).0
    })
    .await;
    assert_eq!(lost, Err(CallError::NodeDown(Atom::from("a@memory"))));
    // The next call connects again.
    let again = on(&b, async {
        gen_server::call::<Counter>(("counter", "a@memory"), Call::Get).await
    })
    .await;
    assert_eq!(again, Ok(1));
}

#[tokio::test]
async fn multi_call_collects_replies_and_bad_nodes() {
    let (a, b) = two_nodes().await;
    for (node, start) in [(&a, 1), (&b, 2)] {
        gen_server::start_on::<Counter>(node, start, Options::new().name("counter"))
            .await
            .unwrap();
    }
    let (replies, bad) = on(&a, async {
        gen_server::multi_call::<Counter>(
            ["a@memory", "b@memory", "nowhere@memory"],
            "counter",
            Call::Get,
            1000,
        )
        .await
    })
    .await;
    assert_eq!(
        replies,
        [(Atom::from("a@memory"), 1), (Atom::from("b@memory"), 2)]
    );
    assert_eq!(bad, [Atom::from("nowhere@memory")]);
}

// ---------------------------------------------------------------------------------------------
// Links, exit signals and monitors

#[tokio::test(start_paused = true)]
async fn links_carry_exit_signals_both_ways_and_unlink_stops_them() {
    let (a, b) = two_nodes().await;
    let (trapper, mut told) = watcher(&a);

    // A process of b links to a trapping process of a, then exits: {:EXIT, pid, :boom}.
    let to_trapper = seen_from(&b, &a, &trapper);
    let doomed = b.spawn(move |_: Mailbox<()>| async move {
        process::link(&to_trapper).unwrap();
        process::sleep(50).await;
        process::exit_self(ExitReason::custom("boom")).await;
    });
    assert_eq!(
        next(&mut told).await,
        format!("{{:EXIT, #PID<1.{}.0>, :boom}}", doomed.pid().id())
    );

    // A process of a linked to one of b dies: b's process, not trapping, dies with it.
    let victim = idle(&b);
    let to_victim = seen_from(&a, &b, &victim);
    let linker = a.spawn(move |_: Mailbox<()>| async move {
        process::link(&to_victim).unwrap();
        process::sleep(50).await;
        process::exit_self(ExitReason::custom("bye")).await;
    });
    assert_eq!(
        within("the victim", victim.wait_exit()).await,
        ExitReason::custom("bye")
    );
    assert_eq!(linker.pid().wait_exit().await, ExitReason::custom("bye"));

    // Linked, then unlinked: the death no longer travels.
    let survivor = idle(&b);
    let to_survivor = seen_from(&a, &b, &survivor);
    let fickle = a.spawn(move |_: Mailbox<()>| async move {
        process::link(&to_survivor).unwrap();
        process::unlink(&to_survivor);
        process::exit_self(ExitReason::custom("alone")).await;
    });
    fickle.pid().wait_exit().await;
    // Exit signals from `Process.exit/2` cross too: this one kills, after the unlink went by.
    let to_survivor = seen_from(&a, &b, &survivor);
    on(&a, async move {
        process::exit(&to_survivor, ExitReason::custom("later"));
    })
    .await;
    assert_eq!(
        within("the exit", survivor.wait_exit()).await,
        ExitReason::custom("later"),
        "the unlinked process lived until the later signal"
    );
}

#[tokio::test]
async fn linking_to_a_dead_remote_pid_brings_noproc_back() {
    let (a, b) = two_nodes().await;
    let gone = b.spawn(|_: Mailbox<()>| async {}).pid();
    gone.wait_exit().await;
    let to_gone = seen_from(&a, &b, &gone);
    let printed = to_gone.to_string();
    let (tx, rx) = tokio::sync::oneshot::channel();
    a.spawn(move |mut inbox: Mailbox<()>| async move {
        process::trap_exit(true);
        process::link(&to_gone).unwrap();
        let _ = tx.send(format!("{:?}", inbox.receive().await));
    });
    let got = within("the exit", rx).await.unwrap();
    assert_eq!(got, format!("Exit {{ from: {printed}, reason: :noproc }}"));
}

#[tokio::test]
async fn remote_monitors_report_the_real_reason_and_noproc_and_demonitor_stops_them() {
    let (a, b) = two_nodes().await;
    // Told to exit over the same connection the monitor came on, so after it.
    let target = b.spawn(|mut inbox: Mailbox<Term>| async move {
        inbox.receive().await;
        let badarith = Term::tuple([Term::atom("badarith"), Term::list([])]);
        process::exit_self(ExitReason::Custom(badarith)).await;
    });
    let gone = b.spawn(|_: Mailbox<()>| async {}).pid();
    gone.wait_exit().await;
    let forgotten = b.spawn(|mut inbox: Mailbox<Term>| async move {
        inbox.receive().await;
    });
    let (to_target, to_gone, to_forgotten) = (
        seen_from(&a, &b, &target.pid()),
        seen_from(&a, &b, &gone),
        seen_from(&a, &b, &forgotten.pid()),
    );
    let printed = (to_target.to_string(), to_gone.to_string());
    let downs = in_process(&a, move |mut inbox| async move {
        let gone_ref = process::monitor(&to_gone);
        let forgotten_ref = process::monitor(&to_forgotten);
        assert!(process::demonitor(&forgotten_ref, true));
        let target_ref = process::monitor(&to_target);
        process::send_term(&to_target, Term::atom("exit"));
        process::send_term(&to_forgotten, Term::atom("exit"));
        let mut downs = Vec::new();
        for _ in 0..2 {
            match inbox.receive().await {
                Received::Down(d) => downs.push((
                    d.pid.to_string(),
                    d.reason,
                    d.reference == gone_ref || d.reference == target_ref,
                )),
                other => panic!("{other:?}"),
            }
        }
        // The forgotten process has exited meanwhile; its Down never comes.
        let more = inbox.receive_timeout(100).await.map(|m| format!("{m:?}"));
        (downs, more)
    })
    .await;
    let (mut downs, more) = downs;
    downs.sort_by_key(|(pid, _, _)| *pid != printed.1);
    assert_eq!(
        downs,
        [
            (printed.1.clone(), ExitReason::NoProc, true),
            (
                printed.0.clone(),
                ExitReason::Custom(Term::tuple([Term::atom("badarith"), Term::list([])])),
                true
            ),
        ]
    );
    assert_eq!(more, None);
}

#[tokio::test]
async fn a_lost_connection_breaks_links_and_monitors_with_noconnection_and_fires_nodedown() {
    let (a, b) = two_nodes().await;
    let far = idle(&b);
    let to_far = seen_from(&a, &b, &far);
    let a2 = a.clone();
    let got = in_process(&a, move |mut inbox| async move {
        process::trap_exit(true);
        process::link(&to_far).unwrap();
        let reference = process::monitor(&to_far);
        assert!(dist::monitor_node("b@memory", true));
        // A round trip, so the link and monitor are set on b before the cut.
        assert_eq!(dist::ping("b@memory").await, Ping::Pong);
        assert!(a2.disconnect("b@memory"));
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(match inbox.receive().await {
                Received::Exit { from, reason } => format!("EXIT {} {reason}", from == to_far),
                Received::Down(d) => format!("DOWN {} {}", d.reference == reference, d.reason),
                Received::NodeDown(node) => format!("nodedown {node}"),
                Received::Msg(m) => format!("message {m}"),
            });
        }
        got.sort();
        got
    })
    .await;
    assert_eq!(
        got,
        [
            "DOWN true :noconnection",
            "EXIT true :noconnection",
            "nodedown :b@memory"
        ]
    );
    // b lost the link too: the far process, not trapping exits, died with :noconnection.
    assert_eq!(
        within("the far process", far.wait_exit()).await,
        ExitReason::NoConnection
    );
}

#[tokio::test]
async fn an_unreachable_node_fails_links_monitors_and_node_monitors_at_once() {
    let (a, _b) = two_nodes().await;
    let nowhere = a
        .pid_of(&otp_core::term::ExternalPid::new(
            "nowhere@memory",
            100,
            0,
            1,
        ))
        .unwrap();
    let printed = nowhere.to_string();
    let got = in_process(&a, move |mut inbox| async move {
        process::trap_exit(true);
        process::link(&nowhere).unwrap();
        process::monitor(&nowhere);
        dist::monitor_node("nowhere@memory", true);
        process::send_term(&nowhere, Term::atom("dropped"));
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(format!("{:?}", inbox.receive().await));
        }
        got.sort();
        (got, dist::ping("nowhere@memory").await)
    })
    .await;
    let (got, ping) = got;
    assert_eq!(got.len(), 3);
    assert!(got[0].contains("reason: :noconnection"), "{got:?}");
    assert_eq!(
        got[1],
        format!("Exit {{ from: {printed}, reason: :noconnection }}")
    );
    assert_eq!(got[2], "NodeDown(:nowhere@memory)");
    assert_eq!(ping, Ping::Pang);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_that_connect_to_each_other_at_once_end_up_with_one_connection() {
    for _ in 0..20 {
        let (a, b) = two_nodes().await;
        let (at_a, mut told_a) = watcher(&a);
        let (at_b, mut told_b) = watcher(&b);
        on(&a, async move { process::register("w", at_a).unwrap() }).await;
        on(&b, async move { process::register("w", at_b).unwrap() }).await;
        // Both dial at the same moment: OTP's rule keeps one of the two connections.
        let send = |from: Node, to: &'static str, what: &'static str| {
            tokio::spawn(async move {
                on(&from, async move {
                    let w = Name::remote("w", to);
                    process::send_named(&w, Term::atom(what)).unwrap();
                })
                .await
            })
        };
        let (x, y) = (
            send(a.clone(), "b@memory", "from_a"),
            send(b.clone(), "a@memory", "from_b"),
        );
        x.await.unwrap();
        y.await.unwrap();
        assert_eq!(next(&mut told_b).await, ":from_a");
        assert_eq!(next(&mut told_a).await, ":from_b");
        assert_eq!(a.nodes(), [Atom::from("b@memory")]);
        assert_eq!(b.nodes(), [Atom::from("a@memory")]);
    }
}

#[tokio::test]
async fn two_nodes_over_tcp_without_epmd() {
    let a = Node::new();
    a.distribute(DistNode::builder("a@127.0.0.1", Cookie::new("secret")).without_epmd())
        .await
        .unwrap();
    let addr = a.listen_address().expect("a listens on a socket");
    let b = Node::new();
    b.distribute(
        DistNode::builder("b@127.0.0.1", Cookie::new("secret"))
            .without_epmd()
            .peer_address("a@127.0.0.1", addr),
    )
    .await
    .unwrap();
    gen_server::start_on::<Counter>(&a, 42, Options::new().name("counter"))
        .await
        .unwrap();
    let (ping, got) = on(&b, async {
        let ping = dist::ping("a@127.0.0.1").await;
        let got = gen_server::call::<Counter>(("counter", "a@127.0.0.1"), Call::Get).await;
        (ping, got)
    })
    .await;
    assert_eq!((ping, got), (Ping::Pong, Ok(42)));
    assert_eq!(a.nodes(), [Atom::from("b@127.0.0.1")]);
}

/// A peer that shakes hands properly, then sends garbage, loses its connection and nothing
/// else: the node logs a typed error, the links and monitors of its processes to the peer's
/// break with `:noconnection`, and the node goes on serving others.
#[tokio::test]
async fn a_hostile_frame_closes_that_connection_and_the_node_goes_on() {
    use otp_core::dist::handshake::{self, Identity};
    use tokio::io::AsyncWriteExt;

    let a = Node::new();
    a.distribute(DistNode::builder("a@127.0.0.1", Cookie::new("secret")).without_epmd())
        .await
        .unwrap();
    let addr = a.listen_address().unwrap();
    let raw_name = "raw@127.0.0.1";
    let me = Identity::new(raw_name.parse().unwrap(), 9, Cookie::new("secret"));
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut raw, _) = handshake::initiate(stream, &me, &"a@127.0.0.1".parse().unwrap(), LIMIT)
        .await
        .unwrap();
    // A process of a linked to and monitoring a process of the raw peer.
    let raw_pid = a
        .pid_of(&otp_core::term::ExternalPid::new(raw_name, 100, 0, 9))
        .unwrap();
    let (ready_tx, ready) = tokio::sync::oneshot::channel();
    let watching = {
        let raw_pid = raw_pid.clone();
        in_process(&a, move |mut inbox| async move {
            process::trap_exit(true);
            process::link(&raw_pid).unwrap();
            process::monitor(&raw_pid);
            let _ = ready_tx.send(());
            let mut got = Vec::new();
            for _ in 0..2 {
                got.push(match inbox.receive().await {
                    Received::Exit { reason, .. } => format!("EXIT {reason}"),
                    Received::Down(d) => format!("DOWN {}", d.reason),
                    other => format!("{other:?}"),
                });
            }
            got.sort();
            got
        })
    };
    let hostile = async {
        ready.await.unwrap();
        // A frame whose control message is a truncated term.
        raw.write_all(&[0, 0, 0, 5, 112, 131, 104, 3, 97])
            .await
            .unwrap();
    };
    let (got, ()) = tokio::join!(watching, hostile);
    assert_eq!(got, ["DOWN :noconnection", "EXIT :noconnection"]);
    assert!(a.nodes().is_empty());

    // A well-behaved node still gets through.
    let b = Node::new();
    b.distribute(
        DistNode::builder("b@127.0.0.1", Cookie::new("secret"))
            .without_epmd()
            .peer_address("a@127.0.0.1", addr),
    )
    .await
    .unwrap();
    let ping = on(&b, async { dist::ping("a@127.0.0.1").await }).await;
    assert_eq!(ping, Ping::Pong);
}
