//! Distribution against a real Erlang node: each test starts `erl -noshell` drivers with
//! unique names on 127.0.0.1, bounds every wait, and kills what it started (by pid, also when
//! a test panics). Without `erl` the tests are skipped with a note; under `CI=true` a missing
//! `erl` fails them.

use std::process::{Command, Stdio};
use std::time::Duration;

mod erl;
use erl::{Erl, erl_present, unique, within};

use otp_core::dist::{
    CloseReason, ControlMessage, Cookie, DistError, DistNode, HandshakeError, ProcessRef,
};
use otp_core::term::{ExternalPid, Term};

async fn rust_node(cookie: &str) -> DistNode {
    DistNode::builder(format!("{}@127.0.0.1", unique("rust")), Cookie::new(cookie))
        .start()
        .await
        .expect("the Rust node starts and registers with EPMD")
}

fn atom(name: &str) -> Term {
    Term::atom(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erl_sends_to_a_registered_name_and_terms_round_trip() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let rust = rust_node(&cookie).await;
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"Rust = '{rust}',
               Ref = make_ref(),
               Sent = {{self(), Ref, hello, 42, -7, 1.5, <<"bin">>, "chars", [1, 2 | 3],
                        #{{a => 1, <<"k">> => [x]}}, 123456789012345678901234567890,
                        <<1:3>>, fun lists:reverse/1}},
               {{inbox, Rust}} ! Sent,
               receive
                   {{echo, Echoed}} -> io:format("~p~n", [Echoed =:= Sent])
               after 10000 -> io:format("no echo~n")
               end,
               halt()."#,
            rust = rust.name().as_str()
        ),
        &[],
    );
    let mut connection = within("erl to connect", rust.accept()).await.unwrap();
    assert_eq!(connection.peer().name, erl.name.as_str());
    let (from, message) = match within("the message", connection.recv()).await.unwrap() {
        ControlMessage::RegSend {
            from, to, message, ..
        } => {
            assert_eq!(to, "inbox");
            (from, message)
        }
        other => panic!("expected a REG_SEND, got {other:?}"),
    };
    let elements = message.as_tuple().expect("a tuple").to_vec();
    assert_eq!(elements[0], Term::Pid(from.clone()), "self() of the sender");
    assert_eq!(
        elements[2..]
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
        [
            ":hello",
            "42",
            "-7",
            "1.5",
            "\"bin\"",
            "'chars'",
            "[1, 2 | 3]",
            "%{:a => 1, \"k\" => [:x]}",
            "123456789012345678901234567890",
            "<<1::size(3)>>",
            "&:lists.reverse/1",
        ]
    );
    // Send it all back: the pid, the reference and everything else must be =:= on the BEAM.
    connection
        .send(&ControlMessage::Send {
            from: Some(rust.make_pid()),
            to: from,
            message: Term::tuple([atom("echo"), message]),
            token: None,
        })
        .unwrap();
    erl.expect_line("true").await;
    assert_eq!(
        within("erl to halt", connection.recv()).await,
        Err(CloseReason::PeerClosed)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_connects_through_epmd_and_talks_to_a_registered_process() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        r#"register(echo, self()),
           io:format("ready~n"),
           Loop = fun L() ->
               receive
                   {From, Msg} -> From ! {echo, node(), Msg}, L();
                   stop -> io:format("hidden ~p~n", [nodes(hidden)]), halt()
               end
           end,
           Loop()."#,
        &[],
    );
    erl.expect_line("ready").await;
    let rust = rust_node(&cookie).await;
    let mut connection = within("the connection", rust.connect(&erl.name))
        .await
        .unwrap();
    let me = rust.make_pid();
    connection
        .send(&ControlMessage::RegSend {
            from: me.clone(),
            to: "echo".into(),
            message: Term::tuple([
                Term::Pid(me.clone()),
                Term::tuple([Term::Int(1), Term::from("two"), atom("three")]),
            ]),
            token: None,
        })
        .unwrap();
    match within("the echo", connection.recv()).await.unwrap() {
        ControlMessage::Send {
            from: Some(from),
            to,
            message,
            token: None,
        } => {
            assert_eq!(to, me);
            assert_eq!(from.node, erl.name.as_str());
            assert_eq!(
                message.to_string(),
                format!("{{:echo, :\"{}\", {{1, \"two\", :three}}}}", erl.name)
            );
        }
        other => panic!("expected a SEND_SENDER, got {other:?}"),
    }
    connection
        .send(&ControlMessage::RegSend {
            from: me,
            to: "echo".into(),
            message: atom("stop"),
            token: None,
        })
        .unwrap();
    // A hidden node: erl lists it among nodes(hidden).
    erl.expect_line(&format!("hidden ['{}']", rust.name().as_str()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_cookie_is_refused_both_ways() {
    if !erl_present() {
        return;
    }
    let rust = rust_node("right").await;

    // erl connects with the wrong cookie: refused here, `false` there.
    let intruder = Erl::start(
        &unique("erl"),
        "wrong",
        &format!(
            "io:format(\"~p~n\", [net_kernel:connect_node('{}')]), halt().",
            rust.name().as_str()
        ),
        &[],
    );
    match within("the refusal", rust.accept()).await {
        Err(DistError::Handshake(HandshakeError::CookieMismatch { peer })) => {
            assert_eq!(peer, intruder.name)
        }
        other => panic!("expected a cookie mismatch, got {:?}", other.map(|_| ())),
    }
    intruder.expect_line("false").await;

    // Rust connects to an erl with another cookie: refused, with that said.
    let other = Erl::start(
        &unique("erl"),
        "other",
        r#"io:format("ready~n"), receive stop -> halt() end."#,
        &[],
    );
    other.expect_line("ready").await;
    match within("the refusal", rust.connect(&other.name)).await {
        Err(DistError::Handshake(HandshakeError::CookieRejected { peer })) => {
            assert_eq!(peer, other.name)
        }
        other => panic!("expected a cookie refusal, got {:?}", other.map(|_| ())),
    }

    // Neither side is hurt: a node with the right cookie still gets in.
    let friend = Erl::start(
        &unique("erl"),
        "right",
        &format!(
            "io:format(\"~p~n\", [net_kernel:connect_node('{}')]), halt().",
            rust.name().as_str()
        ),
        &[],
    );
    let connection = within("the friend", rust.accept()).await.unwrap();
    assert_eq!(connection.peer().name, friend.name.as_str());
    friend.expect_line("true").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_monitors_exits_and_aliases_from_erl() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let rust = rust_node(&cookie).await;
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"Rust = '{rust}',
               {{inbox, Rust}} ! {{hello, self()}},
               Me = receive {{your_pid, P}} -> P after 10000 -> halt(2) end,
               true = link(Me),
               true = unlink(Me),
               M1 = monitor(process, Me),
               M2 = monitor(process, {{inbox, Rust}}),
               true = demonitor(M1),
               true = demonitor(M2),
               exit(Me, because),
               A = alias(),
               Me ! {{alias, A}},
               receive {{via_alias, X}} -> io:format("alias ~p~n", [X])
               after 10000 -> io:format("no alias message~n")
               end,
               spawn(fun() -> link(Me), exit(boom) end),
               receive after 10000 -> halt() end."#,
            rust = rust.name().as_str()
        ),
        &[],
    );
    let mut connection = within("erl to connect", rust.accept()).await.unwrap();
    let mut next = async || {
        within("a control message", connection.recv())
            .await
            .unwrap()
    };
    let driver = match next().await {
        ControlMessage::RegSend { message, .. } => match message.as_tuple() {
            Some([tag, Term::Pid(driver)]) if tag.is_atom("hello") => driver.clone(),
            _ => panic!("unexpected hello {message}"),
        },
        other => panic!("expected the hello, got {other:?}"),
    };
    let me = rust.make_pid();
    connection
        .send(&ControlMessage::Send {
            from: Some(me.clone()),
            to: driver.clone(),
            message: Term::tuple([atom("your_pid"), Term::Pid(me.clone())]),
            token: None,
        })
        .unwrap();
    let mut next = async || {
        within("a control message", connection.recv())
            .await
            .unwrap()
    };

    assert_eq!(
        next().await,
        ControlMessage::Link {
            from: driver.clone(),
            to: me.clone()
        }
    );
    let unlink_id = match next().await {
        ControlMessage::UnlinkId { id, from, to } if from == driver && to == me => id,
        other => panic!("expected UNLINK_ID, got {other:?}"),
    };
    let m1 = match next().await {
        ControlMessage::MonitorP {
            from,
            to: ProcessRef::Pid(to),
            reference,
        } if from == driver && to == me => reference,
        other => panic!("expected MONITOR_P by pid, got {other:?}"),
    };
    let m2 = match next().await {
        ControlMessage::MonitorP {
            from,
            to: ProcessRef::Name(name),
            reference,
        } if from == driver && name == "inbox" => reference,
        other => panic!("expected MONITOR_P by name, got {other:?}"),
    };
    assert_eq!(
        next().await,
        ControlMessage::DemonitorP {
            from: driver.clone(),
            to: ProcessRef::Pid(me.clone()),
            reference: m1
        }
    );
    assert_eq!(
        next().await,
        ControlMessage::DemonitorP {
            from: driver.clone(),
            to: ProcessRef::Name("inbox".into()),
            reference: m2
        }
    );
    assert_eq!(
        next().await,
        ControlMessage::Exit2 {
            from: driver.clone(),
            to: me.clone(),
            reason: atom("because"),
            token: None
        }
    );
    let alias = match next().await {
        ControlMessage::Send {
            from: Some(from),
            to,
            message,
            ..
        } if from == driver && to == me => match message.as_tuple() {
            Some([tag, Term::Reference(alias)]) if tag.is_atom("alias") => (**alias).clone(),
            _ => panic!("unexpected {message}"),
        },
        other => panic!("expected the alias, got {other:?}"),
    };
    connection
        .send(&ControlMessage::UnlinkIdAck {
            id: unlink_id,
            from: me.clone(),
            to: driver.clone(),
        })
        .unwrap();
    connection
        .send(&ControlMessage::AliasSend {
            from: me.clone(),
            alias,
            message: Term::tuple([atom("via_alias"), Term::Int(7)]),
            token: None,
        })
        .unwrap();
    erl.expect_line("alias 7").await;
    // A process that links to us and dies: its exit signal travels the link.
    let mut next = async || {
        within("a control message", connection.recv())
            .await
            .unwrap()
    };
    let linker = match next().await {
        ControlMessage::Link { from, to } if to == me => from,
        other => panic!("expected a LINK, got {other:?}"),
    };
    assert_eq!(
        next().await,
        ControlMessage::Exit {
            from: linker,
            to: me,
            reason: atom("boom"),
            token: None
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_monitors_and_exits_from_rust_reach_erl_processes() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        // The driver is a process of its own: the test kills it, and the node lives on.
        r#"Loop = fun L() ->
               receive
                   {hello, P} -> P ! {driver, self()}, L();
                   {alias_me, R} -> R ! aliased, L();
                   M -> io:format("~p~n", [M]), L()
               end
           end,
           Driver = spawn(fun() -> process_flag(trap_exit, true), Loop() end),
           register(driver, Driver),
           io:format("ready~n"),
           receive after infinity -> ok end."#,
        &[],
    );
    erl.expect_line("ready").await;
    let rust = rust_node(&cookie).await;
    let mut connection = within("the connection", rust.connect(&erl.name))
        .await
        .unwrap();
    let me = rust.make_pid();
    connection
        .send(&ControlMessage::RegSend {
            from: me.clone(),
            to: "driver".into(),
            message: Term::tuple([atom("hello"), Term::Pid(me.clone())]),
            token: None,
        })
        .unwrap();
    let driver: ExternalPid = match within("the driver's pid", connection.recv()).await {
        Ok(ControlMessage::Send { message, .. }) => match message.as_tuple() {
            Some([_, Term::Pid(driver)]) => driver.clone(),
            _ => panic!("unexpected {message}"),
        },
        other => panic!("expected the driver's pid, got {other:?}"),
    };

    // Link, then unlink with the new protocol: erl acknowledges.
    connection
        .send(&ControlMessage::Link {
            from: me.clone(),
            to: driver.clone(),
        })
        .unwrap();
    connection
        .send(&ControlMessage::UnlinkId {
            id: 7,
            from: me.clone(),
            to: driver.clone(),
        })
        .unwrap();
    assert_eq!(
        within("the ack", connection.recv()).await,
        Ok(ControlMessage::UnlinkIdAck {
            id: 7,
            from: driver.clone(),
            to: me.clone()
        })
    );

    // An exit signal along a link: the trapping driver gets {'EXIT', Me, oops}.
    connection
        .send(&ControlMessage::Link {
            from: me.clone(),
            to: driver.clone(),
        })
        .unwrap();
    connection
        .send(&ControlMessage::Exit {
            from: me.clone(),
            to: driver.clone(),
            reason: atom("oops"),
            token: None,
        })
        .unwrap();
    let line = erl.line().await;
    assert!(
        line.starts_with("{'EXIT',<") && line.ends_with(".100.0>,oops}"),
        "{line}"
    );

    // An alias of ours, used by erl: ALIAS_SEND.
    let alias = rust.make_ref();
    connection
        .send(&ControlMessage::Send {
            from: Some(me.clone()),
            to: driver.clone(),
            message: Term::tuple([atom("alias_me"), Term::from(alias.clone())]),
            token: None,
        })
        .unwrap();
    assert_eq!(
        within("the alias message", connection.recv()).await,
        Ok(ControlMessage::AliasSend {
            from: driver.clone(),
            alias,
            message: atom("aliased"),
            token: None
        })
    );

    // A monitor of a name nobody has: DOWN at once, with noproc.
    let nobody = rust.make_ref();
    connection
        .send(&ControlMessage::MonitorP {
            from: me.clone(),
            to: ProcessRef::Name("nobody".into()),
            reference: nobody.clone(),
        })
        .unwrap();
    assert_eq!(
        within("the noproc", connection.recv()).await,
        Ok(ControlMessage::MonitorPExit {
            from: ProcessRef::Name("nobody".into()),
            to: me.clone(),
            reference: nobody,
            reason: atom("noproc")
        })
    );

    // A monitor of the driver, which an untrappable exit signal then kills.
    let monitor = rust.make_ref();
    connection
        .send(&ControlMessage::MonitorP {
            from: me.clone(),
            to: ProcessRef::Pid(driver.clone()),
            reference: monitor.clone(),
        })
        .unwrap();
    connection
        .send(&ControlMessage::Exit2 {
            from: me.clone(),
            to: driver.clone(),
            reason: atom("kill"),
            token: None,
        })
        .unwrap();
    assert_eq!(
        within("the DOWN", connection.recv()).await,
        Ok(ControlMessage::MonitorPExit {
            from: ProcessRef::Pid(driver),
            to: me,
            reference: monitor,
            reason: atom("killed")
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gen_server_call_from_erl_is_answered_through_its_alias() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let rust = rust_node(&cookie).await;
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"Rust = '{rust}',
               io:format("~p~n", [gen_server:call({{superman, Rust}}, say, 10000)]),
               {{'EXIT', {{Reason, _}}}} = (catch gen_server:call({{nobody, Rust}}, say, 10000)),
               io:format("~p~n", [Reason]),
               halt()."#,
            rust = rust.name().as_str()
        ),
        &[],
    );
    let mut connection = within("erl to connect", rust.accept()).await.unwrap();
    // What the call of OTP 25+ sends: a monitor of the name, then the request, tagged with
    // an alias made from the monitor's reference.
    let (caller, monitor) = match within("the monitor", connection.recv()).await.unwrap() {
        ControlMessage::MonitorP {
            from,
            to: ProcessRef::Name(name),
            reference,
        } if name == "superman" => (from, reference),
        other => panic!("expected a MONITOR_P of the name, got {other:?}"),
    };
    let tag = match within("the request", connection.recv()).await.unwrap() {
        ControlMessage::RegSend {
            from, to, message, ..
        } if from == caller && to == "superman" => match message.as_tuple() {
            Some([label, from_pair, request])
                if label.is_atom("$gen_call") && request.is_atom("say") =>
            {
                match from_pair.as_tuple() {
                    Some([Term::Pid(pid), tag]) if *pid == caller => tag.clone(),
                    _ => panic!("unexpected from {from_pair}"),
                }
            }
            _ => panic!("unexpected request {message}"),
        },
        other => panic!("expected the $gen_call, got {other:?}"),
    };
    assert_eq!(
        tag,
        Term::improper_list([atom("alias")], Term::from(monitor.clone())),
        "[alias | Ref]"
    );
    // The reply goes to the alias, tagged as the call was.
    let server = rust.make_pid();
    connection
        .send(&ControlMessage::AliasSend {
            from: server,
            alias: monitor.clone(),
            message: Term::tuple([tag, Term::from("I am Superman")]),
            token: None,
        })
        .unwrap();
    erl.expect_line("<<\"I am Superman\">>").await;
    assert_eq!(
        within("the demonitor", connection.recv()).await,
        Ok(ControlMessage::DemonitorP {
            from: caller.clone(),
            to: ProcessRef::Name("superman".into()),
            reference: monitor
        })
    );

    // A call to a name nobody has here: answering the monitor with noproc fails it at once.
    let (caller, monitor) = match within("the monitor", connection.recv()).await.unwrap() {
        ControlMessage::MonitorP {
            from,
            to: ProcessRef::Name(name),
            reference,
        } if name == "nobody" => (from, reference),
        other => panic!("expected a MONITOR_P of the name, got {other:?}"),
    };
    connection
        .send(&ControlMessage::MonitorPExit {
            from: ProcessRef::Name("nobody".into()),
            to: caller,
            reference: monitor,
            reason: atom("noproc"),
        })
        .unwrap();
    erl.expect_line("noproc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticks_keep_an_idle_connection_to_erl_up() {
    if !erl_present() {
        return;
    }
    let cookie = unique("cookie");
    let rust = DistNode::builder(
        format!("{}@127.0.0.1", unique("rust")),
        Cookie::new(&cookie),
    )
    .net_ticktime(Duration::from_secs(2))
    .start()
    .await
    .unwrap();
    // erl with a 2-second net_ticktime drops a silent connection within about 2.5 s; stay
    // idle for three times that on one connection, then use it.
    let erl = Erl::start(
        &unique("erl"),
        &cookie,
        &format!(
            r#"Rust = '{rust}',
               {{inbox, Rust}} ! first,
               timer:sleep(7000),
               io:format("~p~n", [lists:member(Rust, nodes(hidden))]),
               {{inbox, Rust}} ! second,
               receive after 10000 -> halt() end."#,
            rust = rust.name().as_str()
        ),
        &["-kernel", "net_ticktime", "2"],
    );
    let mut connection = within("erl to connect", rust.accept()).await.unwrap();
    let mut next = async || match within("a message", connection.recv()).await {
        Ok(ControlMessage::RegSend { message, .. }) => message,
        other => panic!("expected a REG_SEND, got {other:?}"),
    };
    assert_eq!(next().await, atom("first"));
    assert_eq!(next().await, atom("second"), "on the same connection");
    erl.expect_line("true").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_epmd_is_started_when_none_answers() {
    if !erl_present() {
        return;
    }
    // A port no EPMD listens on, so the node must start its own there.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let epmd_addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let name = unique("rust");
    let node = DistNode::builder(format!("{name}@127.0.0.1"), Cookie::new("c"))
        .epmd(epmd_addr)
        .start()
        .await
        .expect("starts an EPMD and registers with it");
    let found = within(
        "the lookup",
        otp_core::dist::epmd::lookup(epmd_addr, "127.0.0.1", &name),
    )
    .await;
    assert_eq!(found, Ok(node.port()));
    let missing = otp_core::dist::epmd::lookup(epmd_addr, "127.0.0.1", "nobody_here").await;
    assert!(
        matches!(
            missing,
            Err(otp_core::dist::epmd::EpmdError::UnknownNode { .. })
        ),
        "{missing:?}"
    );
    // A second node of the same name is refused.
    let again = DistNode::builder(format!("{name}@127.0.0.1"), Cookie::new("c"))
        .epmd(epmd_addr)
        .start()
        .await;
    assert!(
        matches!(
            again,
            Err(DistError::Epmd(
                otp_core::dist::epmd::EpmdError::NameTaken { .. }
            ))
        ),
        "{:?}",
        again.map(|_| ())
    );
    drop(node);
    // Stop the EPMD this test started, by the port it alone listens on.
    let _ = Command::new("epmd")
        .args(["-port", &port.to_string(), "-kill"])
        .stdout(Stdio::null())
        .status();
}
