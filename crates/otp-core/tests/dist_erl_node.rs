//! A distributed otp-core node and a real Erlang node, process to process: Erlang calls a
//! Rust GenServer (through its alias, by name, `multi_call`, with a crash and a missing name),
//! Rust calls an Erlang `gen_server`, links and monitors go both ways with the real reasons,
//! and killing the Erlang node gives `:noconnection` and `{:nodedown, node}`.
//!
//! Each test starts its own `erl -noshell` driver with a unique name (see `erl/mod.rs`),
//! bounds every wait, and kills what it started. Under `CI=true` a missing `erl` fails.

use std::convert::Infallible;

use otp_core::dist::{self, Cookie};
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, RemoteCodec,
};
use otp_core::term::{FromTerm, Term};
use otp_core::{Atom, ExitReason, Mailbox, Node, Pid, Received, process};

mod erl;
use erl::{Erl, TempDir, erl_present, load, unique, within};

/// A distributed node with a name no other test uses.
async fn rust_node(cookie: &str) -> Node {
    let name = format!("{}@127.0.0.1", unique("rust"));
    Node::start_distributed(&name, Cookie::new(cookie))
        .await
        .expect("the node starts and registers with EPMD")
}

/// Superman, as Erlang reaches him: every message type is a plain term.
#[derive(Debug)]
struct Superman {
    saying: Term,
    last_info: Term,
}

impl GenServer for Superman {
    type Arg = ();
    type Call = Term;
    type Reply = Term;
    type Cast = Term;
    type Info = Term;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Superman {
            saying: Term::from("I am Superman"),
            last_info: Term::atom("nothing"),
        })
    }

    async fn handle_call(&mut self, call: Term, from: &Caller<Term>) -> CallResult<Self> {
        if call.is_atom("say") {
            return CallResult::Reply(self.saying.clone());
        }
        if call.is_atom("last_info") {
            return CallResult::Reply(self.last_info.clone());
        }
        if call.is_atom("crash") {
            panic!("Boom");
        }
        if call.is_atom("who") {
            let caller = from
                .pid()
                .map(Term::from_pid)
                .unwrap_or(Term::atom("nobody"));
            return CallResult::Reply(caller);
        }
        if let Some([tag, n]) = call.as_tuple()
            && tag.is_atom("defer")
        {
            // Answered later, by another process.
            let reply_to = from.defer().expect("not deferred yet");
            let n = n.clone();
            process::spawn(move |_: Mailbox<()>| async move {
                process::sleep(20).await;
                gen_server::reply(reply_to, Term::tuple([Term::atom("deferred"), n]));
            });
            return CallResult::NoReply;
        }
        CallResult::Reply(Term::tuple([Term::atom("unknown"), call]))
    }

    async fn handle_cast(&mut self, cast: Term) -> CastResult<Self> {
        if let Some([tag, saying]) = cast.as_tuple()
            && tag.is_atom("set")
        {
            self.saying = saying.clone();
        }
        CastResult::NoReply
    }

    async fn handle_info(&mut self, msg: Info<Term>) -> CastResult<Self> {
        if let Info::Msg(term) = msg {
            self.last_info = term;
        }
        CastResult::NoReply
    }

    fn remote() -> Option<RemoteCodec<Self>> {
        Some(RemoteCodec::new())
    }
}

/// A pid as a term, in a process of its node.
trait FromPid {
    fn from_pid(pid: Pid) -> Term;
}

impl FromPid for Term {
    fn from_pid(pid: Pid) -> Term {
        otp_core::term::IntoTerm::into_term(pid)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erlang_calls_casts_and_sends_to_a_rust_gen_server() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let node = rust_node(&cookie).await;
    gen_server::start_on::<Superman>(&node, (), Options::new().name("superman"))
        .await
        .unwrap();
    let rust = node.name().as_str().to_string();
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"Rust = '{rust}',
               P = fun(X) -> io:format("~p~n", [X]) end,
               P(net_adm:ping(Rust)),
               P(lists:member(Rust, nodes(hidden))),
               P(gen_server:call({{superman, Rust}}, say)),
               gen_server:cast({{superman, Rust}}, {{set, <<"Up, up and away">>}}),
               P(gen_server:call({{superman, Rust}}, say)),
               {{superman, Rust}} ! {{hello, self()}},
               {{hello, Me}} = gen_server:call({{superman, Rust}}, last_info),
               P(Me =:= self()),
               P(gen_server:call({{superman, Rust}}, who) =:= self()),
               P(gen_server:call({{superman, Rust}}, {{defer, 7}})),
               P(gen_server:multi_call([Rust], superman, say)),
               T0 = erlang:monotonic_time(millisecond),
               {{'EXIT', {{Missing, _}}}} = (catch gen_server:call({{nobody, Rust}}, say, 10000)),
               P({{Missing, erlang:monotonic_time(millisecond) - T0 < 5000}}),
               {{'EXIT', {{Crash, _}}}} = (catch gen_server:call({{superman, Rust}}, crash)),
               P(Crash),
               halt()."#
        ),
        &[],
    );
    erl.expect_line("pong").await;
    erl.expect_line("true").await;
    erl.expect_line("<<\"I am Superman\">>").await;
    erl.expect_line("<<\"Up, up and away\">>").await;
    erl.expect_line("true").await;
    erl.expect_line("true").await;
    erl.expect_line("{deferred,7}").await;
    erl.expect_line(&format!("{{[{{'{rust}',<<\"Up, up and away\">>}}],[]}}"))
        .await;
    erl.expect_line("{noproc,true}").await;
    erl.expect_line("{#{'__exception__' => true,'__struct__' => 'Elixir.RuntimeError',")
        .await;
    erl.expect_line("   message => <<\"Boom\">>},").await;
    erl.expect_line(" []}").await;
}

/// An Erlang `gen_server` that keeps a tally, for Rust to call.
const TALLY: &str = r#"
-module(tally).
-behaviour(gen_server).
-export([start/0, init/1, handle_call/3, handle_cast/2]).

start() -> gen_server:start({local, tally}, ?MODULE, 0, []).

init(N) -> {ok, N}.

handle_call(get, _From, N) -> {reply, N, N};
handle_call({sleep, Ms}, _From, N) -> timer:sleep(Ms), {reply, {slept, Ms}, N};
handle_call({nap, Ms}, _From, N) -> io:format("napping~n"), timer:sleep(Ms), {reply, {slept, Ms}, N};
handle_call(die, _From, N) -> {stop, {bored, N}, N}.

handle_cast({add, K}, N) -> {noreply, N + K}.
"#;

/// Calls to the Erlang tally: Erlang's `gen_server` as seen from Rust (by name and by pid).
#[derive(Debug)]
struct Tally;

impl GenServer for Tally {
    type Arg = ();
    type Call = Term;
    type Reply = Term;
    type Cast = Term;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Tally)
    }

    fn remote() -> Option<RemoteCodec<Self>> {
        Some(RemoteCodec::new())
    }
}

fn add(k: i64) -> Term {
    Term::tuple([Term::atom("add"), Term::Int(k)])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_calls_an_erlang_gen_server_by_name_and_pid() {
    if !erl_present() {
        return;
    }
    let dir = TempDir::new("tally");
    let tally = dir.write("tally.erl", TALLY);
    let cookie = unique("cookie");
    let mut erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"{load},
               {{ok, _}} = tally:start(),
               io:format("ready~n"),
               receive after infinity -> ok end."#,
            load = load(&tally)
        ),
        &[],
    );
    erl.expect_line("ready").await;
    let node = rust_node(&cookie).await;
    let at = Atom::from(erl.name.as_str());
    let (tx, rx) = tokio::sync::oneshot::channel();
    node.spawn(move |mut inbox: Mailbox<Term>| async move {
        let tally = (Atom::from("tally"), at.clone());
        let first = gen_server::call::<Tally>(tally.clone(), Term::atom("get")).await;
        gen_server::cast::<Tally>(tally.clone(), add(5));
        let added = gen_server::call::<Tally>(tally.clone(), Term::atom("get")).await;
        // A call that times out; its late reply comes meanwhile and must not reach us.
        let sleep = Term::tuple([Term::atom("sleep"), Term::Int(300)]);
        let late = gen_server::call_timeout::<Tally>(tally.clone(), sleep, 50).await;
        let after = gen_server::call::<Tally>(tally.clone(), Term::atom("get")).await;
        let stray = inbox.receive_timeout(500).await.map(|m| format!("{m:?}"));
        let missing =
            gen_server::call::<Tally>((Atom::from("nobody"), at.clone()), Term::atom("get")).await;
        let pong = dist::ping(at.clone()).await;
        let multi = gen_server::multi_call::<Tally>(
            [at.clone(), Atom::from("nowhere@127.0.0.1")],
            "tally",
            Term::atom("get"),
            5000,
        )
        .await;
        let died = gen_server::call::<Tally>(tally.clone(), Term::atom("die")).await;
        let _ = tx.send((
            first,
            added,
            late,
            after,
            stray,
            missing,
            (pong, multi),
            died,
        ));
    });
    let (first, added, late, after, stray, missing, (pong, multi), died) =
        within("the calls", rx).await.unwrap();
    assert_eq!(pong, dist::Ping::Pong);
    assert_eq!(
        multi,
        (
            vec![(Atom::from(erl.name.as_str()), Term::Int(5))],
            vec![Atom::from("nowhere@127.0.0.1")]
        )
    );
    assert_eq!(first, Ok(Term::Int(0)));
    assert_eq!(added, Ok(Term::Int(5)));
    assert_eq!(late, Err(CallError::Timeout));
    assert_eq!(after, Ok(Term::Int(5)));
    assert_eq!(stray, None, "the late reply was dropped");
    assert_eq!(missing, Err(CallError::NoProc));
    assert_eq!(
        died,
        Err(CallError::Exit(ExitReason::Custom(Term::tuple([
            Term::atom("bored"),
            Term::Int(5)
        ]))))
    );

    erl.kill();
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_erlang_node_mid_call_gives_nodedown_and_noconnection() {
    if !erl_present() {
        return;
    }
    let dir = TempDir::new("tally");
    let tally = dir.write("tally.erl", TALLY);
    let cookie = unique("cookie");
    let node = rust_node(&cookie).await;
    let rust = node.name().as_str().to_string();
    // The Erlang node hands its tally's pid to a Rust inbox, and links a process of its own
    // to it.
    let (inbox_tx, mut inbox_rx) = tokio::sync::mpsc::unbounded_channel();
    let inbox = node.spawn(move |mut inbox: Mailbox<Term>| async move {
        process::trap_exit(true);
        loop {
            let said = match inbox.receive().await {
                Received::Msg(term) => {
                    // Pids in the message become pids here: link to and monitor the tally.
                    if let Some([tag, pid]) = term.as_tuple()
                        && tag.is_atom("tally")
                    {
                        let pid = Pid::from_term(pid.clone()).unwrap();
                        // A call by pid.
                        let got = gen_server::call::<Tally>(&pid, Term::atom("get")).await;
                        process::link(&pid).unwrap();
                        process::monitor(&pid);
                        assert!(dist::monitor_node(pid.node_name(), true));
                        let _ = inbox_tx.send(format!("tally {} {got:?}", pid.node_name()));
                        continue;
                    }
                    term.to_string()
                }
                Received::Exit { reason, .. } => format!("EXIT {reason}"),
                Received::Down(down) => format!("DOWN {}", down.reason),
                Received::NodeDown(node) => format!("nodedown {node}"),
            };
            if inbox_tx.send(said).is_err() {
                return;
            }
        }
    });
    let inbox_pid = inbox.pid();
    node.run(async move { process::register("inbox", inbox_pid).unwrap() })
        .await
        .unwrap();
    let mut erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"{load},
               {{ok, Tally}} = tally:start(),
               {{inbox, '{rust}'}} ! {{tally, Tally}},
               io:format("ready~n"),
               receive after infinity -> ok end."#,
            load = load(&tally)
        ),
        &[],
    );
    erl.expect_line("ready").await;
    assert_eq!(
        within("the tally", inbox_rx.recv()).await.unwrap(),
        format!("tally {} Ok(0)", Atom::from(erl.name.as_str()))
    );
    let at = Atom::from(erl.name.as_str());
    let (tx, rx) = tokio::sync::oneshot::channel();
    node.spawn(move |_: Mailbox<()>| async move {
        let sleep = Term::tuple([Term::atom("nap"), Term::Int(60_000)]);
        let _ = tx.send(
            gen_server::call_timeout::<Tally>((Atom::from("tally"), at), sleep, 60_000).await,
        );
    });
    // Once the call is being handled there (the tally says so), kill the node.
    erl.expect_line("napping").await;
    erl.kill();
    assert_eq!(
        within("the call", rx).await.unwrap(),
        Err(CallError::NodeDown(Atom::from(erl.name.as_str())))
    );
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(within("the inbox", inbox_rx.recv()).await.unwrap());
    }
    got.sort();
    assert_eq!(
        got,
        [
            "DOWN :noconnection".to_string(),
            "EXIT :noconnection".to_string(),
            format!("nodedown {}", Atom::from(erl.name.as_str())),
        ]
    );
    drop(dir);
}

/// What the Erlang side of the links and monitors test runs.
const DRIVER: &str = r#"
-module(driver).
-export([main/1]).

%% Waits for a command from Rust, runs it, prints what it saw.
main(Rust) ->
    {inbox, Rust} ! {hello, self()},
    loop(Rust).

loop(Rust) ->
    receive
        {spawn_exit_after, From, Reason} ->
            %% A process of ours, for Rust to link to or monitor; it exits when told.
            Pid = spawn(fun() -> receive go -> exit(Reason) end end),
            From ! {spawned, Pid},
            loop(Rust);
        {monitor, Pid} ->
            Self = self(),
            spawn(fun() ->
                Ref = monitor(process, Pid),
                Self ! {monitoring, Pid},
                receive {'DOWN', Ref, process, P, R} -> io:format("DOWN ~p ~p~n", [P =:= Pid, R]) end
            end),
            receive {monitoring, Pid} -> ok end,
            Rust2 = Rust, {inbox, Rust2} ! monitoring,
            loop(Rust);
        {link_and_exit, Pid, Reason} ->
            spawn(fun() -> link(Pid), exit(Reason) end),
            loop(Rust);
        {link_unlink_exit, Pid} ->
            spawn(fun() -> link(Pid), unlink(Pid), exit(boom) end),
            {inbox, Rust} ! unlinked,
            loop(Rust);
        {echo, Term} ->
            {inbox, Rust} ! {echoed, Term, Term},
            loop(Rust)
    end.
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_and_monitors_with_erlang_carry_the_real_reasons_both_ways() {
    if !erl_present() {
        return;
    }
    let dir = TempDir::new("driver");
    let driver = dir.write("driver.erl", DRIVER);
    let cookie = unique("cookie");
    let node = rust_node(&cookie).await;
    let rust = node.name().as_str().to_string();

    // The Rust inbox traps exits, links, unlinks and monitors when told to (`{:link, pid}`...),
    // hands the pids it is given to the test, and reports everything else as text.
    let (tx, mut told) = tokio::sync::mpsc::unbounded_channel::<String>();
    let (pids_tx, mut pids) = tokio::sync::mpsc::unbounded_channel::<Pid>();
    let inbox = node.spawn(move |mut inbox: Mailbox<Term>| async move {
        process::trap_exit(true);
        loop {
            let said = match inbox.receive().await {
                Received::Msg(term) => match term.as_tuple() {
                    Some([tag, pid]) if tag.is_atom("hello") || tag.is_atom("spawned") => {
                        pids_tx.send(Pid::from_term(pid.clone()).unwrap()).unwrap();
                        continue;
                    }
                    Some([tag, pid]) if tag.is_atom("link") => {
                        process::link(&Pid::from_term(pid.clone()).unwrap()).unwrap();
                        "linked".to_string()
                    }
                    Some([tag, pid]) if tag.is_atom("unlink") => {
                        process::unlink(&Pid::from_term(pid.clone()).unwrap());
                        "unlinked".to_string()
                    }
                    Some([tag, pid]) if tag.is_atom("monitor") => {
                        process::monitor(&Pid::from_term(pid.clone()).unwrap());
                        "monitoring".to_string()
                    }
                    _ => term.to_string(),
                },
                Received::Exit { from, reason } => format!("EXIT {} {reason}", from.is_local()),
                Received::Down(down) => format!("DOWN {}", down.reason),
                Received::NodeDown(node) => format!("nodedown {node}"),
            };
            if tx.send(said).is_err() {
                return;
            }
        }
    });
    let inbox = inbox.pid();
    let registered = inbox.clone();
    node.run(async move { process::register("inbox", registered).unwrap() })
        .await
        .unwrap();
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(r#"{load}, driver:main('{rust}')."#, load = load(&driver)),
        &[],
    );
    let driver = within("the driver", pids.recv()).await.unwrap();
    assert!(!driver.is_local());
    assert!(driver.to_string().starts_with("#PID<1."), "{driver}");
    // Sends `what` to `to` from a process of the Rust node.
    let send = |to: &Pid, what: Term| {
        let (to, node) = (to.clone(), node.clone());
        async move {
            node.run(async move { process::send_term(&to, what) })
                .await
                .unwrap()
        }
    };
    let me = node.external_pid(&inbox);
    let tell =
        |what: &str, pid: &Pid| Term::tuple([Term::atom(what), Term::Pid(node.external_pid(pid))]);
    let mut next = async || within("the inbox", told.recv()).await.unwrap();
    let spawn = |reason: Term| {
        Term::tuple([
            Term::atom("spawn_exit_after"),
            Term::Pid(me.clone()),
            reason,
        ])
    };

    // Rust links to an Erlang process, which exits with {badarith, []}: the real reason.
    send(
        &driver,
        spawn(Term::tuple([Term::atom("badarith"), Term::list([])])),
    )
    .await;
    let linked = within("a pid", pids.recv()).await.unwrap();
    send(&inbox, tell("link", &linked)).await;
    assert_eq!(next().await, "linked");
    send(&linked, Term::atom("go")).await;
    assert_eq!(next().await, "EXIT false {:badarith, []}");

    // Rust monitors an Erlang process: its reason; then the same, now dead, pid: noproc.
    send(&driver, spawn(Term::atom("kaboom"))).await;
    let watched = within("a pid", pids.recv()).await.unwrap();
    send(&inbox, tell("monitor", &watched)).await;
    assert_eq!(next().await, "monitoring");
    send(&watched, Term::atom("go")).await;
    assert_eq!(next().await, "DOWN :kaboom");
    send(&inbox, tell("monitor", &watched)).await;
    assert_eq!(next().await, "monitoring");
    assert_eq!(next().await, "DOWN :noproc");

    // Linked, then unlinked: the Erlang process's exit no longer comes.
    send(&driver, spawn(Term::atom("boom"))).await;
    let left = within("a pid", pids.recv()).await.unwrap();
    send(&inbox, tell("link", &left)).await;
    assert_eq!(next().await, "linked");
    send(&inbox, tell("unlink", &left)).await;
    assert_eq!(next().await, "unlinked");
    send(&left, Term::atom("go")).await;

    // Erlang links to the Rust inbox and exits {shutdown, x}: the inbox traps it.
    let shutdown_x = Term::tuple([Term::atom("shutdown"), Term::atom("x")]);
    send(
        &driver,
        Term::tuple([
            Term::atom("link_and_exit"),
            Term::Pid(me.clone()),
            shutdown_x,
        ]),
    )
    .await;
    assert_eq!(next().await, "EXIT false {:shutdown, :x}");

    // Erlang links, unlinks, exits: nothing comes; the echo after it does.
    send(
        &driver,
        Term::tuple([Term::atom("link_unlink_exit"), Term::Pid(me.clone())]),
    )
    .await;
    assert_eq!(next().await, ":unlinked");
    let pids_term = Term::tuple([Term::Pid(me.clone()), Term::Pid(node.external_pid(&driver))]);
    send(
        &driver,
        Term::tuple([Term::atom("echo"), pids_term.clone()]),
    )
    .await;
    let echoed = next().await;
    assert_eq!(echoed, format!("{{:echoed, {pids_term}, {pids_term}}}"));

    // Erlang monitors a Rust process, which exits with {:shutdown, :tired}.
    let tired = node.spawn(|mut inbox: Mailbox<Term>| async move {
        inbox.receive().await;
        process::exit_self(ExitReason::shutdown_with("tired")).await;
    });
    send(&driver, tell("monitor", &tired.pid())).await;
    assert_eq!(next().await, ":monitoring");
    send(&tired.pid(), Term::atom("go")).await;
    erl.expect_line("DOWN true {shutdown,tired}").await;
    drop(dir);
}
