//! Distribution between Rust nodes, no Erlang needed: the handshake both ways, a wrong
//! cookie, ticks, and hostile frames that must close one connection and nothing else.
//!
//! The nodes run without EPMD and connect by address; every wait is bounded.

use std::net::SocketAddr;
use std::time::Duration;

use otp_core::dist::handshake::{self, Identity};
use otp_core::dist::{
    CloseReason, ControlError, ControlMessage, Cookie, DistError, DistNode, HandshakeError,
    NodeName,
};
use otp_core::term::{Term, etf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every wait in these tests gives up after this long.
const LIMIT: Duration = Duration::from_secs(10);

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

async fn node(name: &str, cookie: &str) -> DistNode {
    DistNode::builder(name, Cookie::new(cookie))
        .without_epmd()
        .handshake_timeout(Duration::from_secs(2))
        .start()
        .await
        .expect("the node starts")
}

#[tokio::test]
async fn two_nodes_shake_hands_and_exchange_messages() {
    let a = node("a@127.0.0.1", "secret").await;
    let b = node("b@127.0.0.1", "secret").await;

    let to_a = within("b connects", b.connect_to("a@127.0.0.1", a.local_addr()))
        .await
        .expect("the handshake succeeds");
    let mut at_a = within("a accepts", a.accept()).await.expect("a accepts");
    assert_eq!(to_a.peer().name, "a@127.0.0.1");
    assert_eq!(at_a.peer().name, "b@127.0.0.1");
    assert_eq!(at_a.peer().creation, b.creation());

    let sender = b.make_pid();
    let sent = ControlMessage::RegSend {
        from: sender.clone(),
        to: "inbox".into(),
        message: Term::tuple([Term::atom("hello"), Term::integer(u128::MAX)]),
        token: None,
    };
    to_a.send(&sent).unwrap();
    assert_eq!(within("the message", at_a.recv()).await, Ok(sent));

    // And back, to the pid that sent it.
    let mut to_a = to_a;
    let reply = ControlMessage::Send {
        from: Some(a.make_pid()),
        to: sender,
        message: Term::from("hi back"),
        token: None,
    };
    at_a.send(&reply).unwrap();
    assert_eq!(within("the reply", to_a.recv()).await, Ok(reply));

    // Closing one end ends the other.
    drop(to_a);
    assert_eq!(
        within("the close", at_a.recv()).await,
        Err(CloseReason::PeerClosed)
    );
    assert_eq!(
        at_a.recv().await,
        Err(CloseReason::PeerClosed),
        "and stays ended"
    );
}

#[tokio::test]
async fn a_wrong_cookie_is_refused_on_both_sides_and_the_node_goes_on() {
    let a = node("a@127.0.0.1", "right").await;
    let intruder = node("intruder@127.0.0.1", "wrong").await;

    let refused = within(
        "the refusal",
        intruder.connect_to("a@127.0.0.1", a.local_addr()),
    )
    .await;
    match refused {
        Err(DistError::Handshake(HandshakeError::CookieRejected { peer })) => {
            assert_eq!(peer, "a@127.0.0.1")
        }
        other => panic!("expected a cookie refusal, got {:?}", other.map(|_| ())),
    }
    match within("a's side", a.accept()).await {
        Err(DistError::Handshake(HandshakeError::CookieMismatch { peer })) => {
            assert_eq!(peer, "intruder@127.0.0.1")
        }
        other => panic!("expected a cookie mismatch, got {:?}", other.map(|_| ())),
    }
    let error = HandshakeError::CookieMismatch {
        peer: "intruder@127.0.0.1".into(),
    };
    assert!(
        error
            .to_string()
            .contains("does not know this node's cookie")
    );

    // The node still accepts a friend.
    let friend = node("friend@127.0.0.1", "right").await;
    let _to_a = within(
        "the friend",
        friend.connect_to("a@127.0.0.1", a.local_addr()),
    )
    .await
    .expect("the right cookie is let in");
    let at_a = within("a accepts", a.accept()).await.expect("a accepts");
    assert_eq!(at_a.peer().name, "friend@127.0.0.1");
}

#[tokio::test]
async fn a_connection_to_the_wrong_node_name_is_refused() {
    let a = node("a@127.0.0.1", "secret").await;
    let b = node("b@127.0.0.1", "secret").await;
    let result = within(
        "the handshake",
        b.connect_to("someone_else@127.0.0.1", a.local_addr()),
    )
    .await;
    assert!(
        matches!(
            result,
            Err(DistError::Handshake(HandshakeError::Protocol { .. }))
        ),
        "{:?}",
        result.map(|_| ())
    );
}

#[tokio::test]
async fn garbage_instead_of_a_handshake_is_refused() {
    let a = node("a@127.0.0.1", "secret").await;
    // Bytes that are no handshake message.
    let mut raw = TcpStream::connect(a.local_addr()).await.unwrap();
    raw.write_all(&[0, 3, b'x', b'y', b'z']).await.unwrap();
    let error = within("the refusal", a.accept())
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(error, DistError::Handshake(HandshakeError::Protocol { .. })),
        "{error:?}"
    );

    // A peer that connects and says nothing runs into the handshake timeout.
    let _silent = TcpStream::connect(a.local_addr()).await.unwrap();
    let error = within("the timeout", a.accept())
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(error, DistError::Handshake(HandshakeError::Timeout { .. })),
        "{error:?}"
    );

    // A peer that hangs up halfway.
    let mut quitter = TcpStream::connect(a.local_addr()).await.unwrap();
    quitter.write_all(&[0, 20, b'N']).await.unwrap();
    drop(quitter);
    let error = within("the close", a.accept())
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(error, DistError::Handshake(HandshakeError::Closed { .. })),
        "{error:?}"
    );
}

/// A handshake done by hand, leaving the raw socket to write anything on.
async fn raw_peer(to: &DistNode, cookie: &str) -> TcpStream {
    let me = Identity::new("raw@127.0.0.1".parse().unwrap(), 9, Cookie::new(cookie));
    let stream = TcpStream::connect(to.local_addr()).await.unwrap();
    let target: NodeName = to.name().as_str().parse().unwrap();
    let (stream, peer) = handshake::initiate(stream, &me, &target, LIMIT)
        .await
        .unwrap();
    assert_eq!(peer.name, *to.name());
    stream
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(body);
    frame
}

fn pass_through(terms: &[Term]) -> Vec<u8> {
    let mut body = vec![112];
    for term in terms {
        etf::encode_into(term, &mut body).unwrap();
    }
    frame(&body)
}

/// What is sent, and the reason the connection must end with.
type HostileCase = (&'static str, Vec<u8>, fn(&CloseReason) -> bool);

#[tokio::test]
async fn hostile_frames_close_that_connection_with_a_typed_error_and_nothing_else() {
    let a = node("a@127.0.0.1", "secret").await;
    let raw_pid = Term::Pid(otp_core::term::ExternalPid::new("raw@127.0.0.1", 1, 0, 9));
    let cases: Vec<HostileCase> = vec![
        ("a 4 GiB length", vec![0xFF, 0xFF, 0xFF, 0xFF, 112], |r| {
            matches!(r, CloseReason::FrameTooLarge { .. })
        }),
        ("a frame type never asked for", frame(&[68, 0, 0]), |r| {
            matches!(r, CloseReason::BadFrameType(68))
        }),
        (
            "a truncated control term",
            frame(&[112, 131, 104, 3, 97]),
            |r| matches!(r, CloseReason::Malformed(ControlError::Decode(_))),
        ),
        (
            "an operation never advertised (SPAWN_REQUEST)",
            pass_through(&[Term::tuple([Term::Int(29)])]),
            |r| {
                matches!(
                    r,
                    CloseReason::Malformed(ControlError::UnsupportedOperation(29))
                )
            },
        ),
        (
            "a link with one pid",
            pass_through(&[Term::tuple([Term::Int(1), raw_pid.clone()])]),
            |r| matches!(r, CloseReason::Malformed(ControlError::Malformed { .. })),
        ),
        (
            "a send without its message",
            pass_through(&[Term::tuple([
                Term::Int(22),
                raw_pid.clone(),
                raw_pid.clone(),
            ])]),
            |r| matches!(r, CloseReason::Malformed(ControlError::MissingPayload(_))),
        ),
        (
            "a control term that is an atom",
            pass_through(&[Term::atom("hello")]),
            |r| matches!(r, CloseReason::Malformed(ControlError::NotAControl(_))),
        ),
        (
            "an atom-cache reference",
            frame(&[112, 131, 104, 1, 82, 0]),
            |r| matches!(r, CloseReason::Malformed(ControlError::Decode(_))),
        ),
    ];
    for (what, bytes, expected) in cases {
        let mut raw = raw_peer(&a, "secret").await;
        let mut at_a = within("a accepts", a.accept()).await.expect("a accepts");
        raw.write_all(&bytes).await.unwrap();
        let reason = within(what, at_a.recv()).await.unwrap_err();
        assert!(expected(&reason), "{what}: {reason:?}");
        // The node hung up on the raw peer: reads end (after any ticks it sent).
        let mut buf = [0u8; 64];
        loop {
            match within("the hang-up", raw.read(&mut buf)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    }

    // Pseudo-random frames: whatever they decode to, nothing panics and the node goes on.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..20 {
        let mut raw = raw_peer(&a, "secret").await;
        let mut at_a = within("a accepts", a.accept()).await.expect("a accepts");
        let mut body = vec![112, 131, 104];
        for _ in 0..24 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            body.push((state >> 24) as u8);
        }
        raw.write_all(&frame(&body)).await.unwrap();
        drop(raw);
        // Either a message that happened to decode, or the connection's end: never a hang.
        let _ = within("the garbage", at_a.recv()).await;
    }

    // After all that, a well-behaved peer gets through.
    let friend = node("friend@127.0.0.1", "secret").await;
    let to_a = within(
        "the friend",
        friend.connect_to("a@127.0.0.1", a.local_addr()),
    )
    .await
    .unwrap();
    let mut at_a = within("a accepts", a.accept()).await.unwrap();
    to_a.send(&ControlMessage::NodeLink).unwrap();
    assert_eq!(
        within("a message", at_a.recv()).await,
        Ok(ControlMessage::NodeLink)
    );
}

#[tokio::test]
async fn ticks_keep_an_idle_connection_up_and_silence_ends_it() {
    let ticktime = Duration::from_millis(400);
    let quick = |name: &'static str| async move {
        DistNode::builder(name, Cookie::new("secret"))
            .without_epmd()
            .net_ticktime(ticktime)
            .start()
            .await
            .unwrap()
    };
    let a = quick("a@127.0.0.1").await;
    let b = quick("b@127.0.0.1").await;
    let to_a = b.connect_to("a@127.0.0.1", a.local_addr()).await.unwrap();
    let mut at_a = a.accept().await.unwrap();

    // Idle for five net_ticktimes: each side ticks, neither takes the other for dead.
    let idle = tokio::time::timeout(ticktime * 5, at_a.recv()).await;
    assert!(idle.is_err(), "nothing arrives, not even a close: {idle:?}");
    to_a.send(&ControlMessage::NodeLink).unwrap();
    assert_eq!(
        within("a message", at_a.recv()).await,
        Ok(ControlMessage::NodeLink)
    );

    // A raw peer hears ticks from the node, and an answer to its own.
    let mut raw = raw_peer(&a, "secret").await;
    let mut at_a = within("a accepts", a.accept()).await.unwrap();
    let mut tick = [0xFFu8; 4];
    within("a tick", raw.read_exact(&mut tick)).await.unwrap();
    assert_eq!(tick, [0, 0, 0, 0]);

    // A raw peer that never ticks is taken for dead after one net_ticktime.
    let reason = within("the tick timeout", at_a.recv()).await.unwrap_err();
    assert_eq!(reason, CloseReason::TickTimeout(ticktime));
}

#[tokio::test]
async fn connecting_to_nobody_is_an_error_not_a_hang() {
    let a = node("a@127.0.0.1", "secret").await;
    // A port nothing listens on: bind one, note it, close it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    drop(listener);
    let result = within("the refusal", a.connect_to("ghost@127.0.0.1", addr)).await;
    assert!(
        matches!(result, Err(DistError::Io(_))),
        "{:?}",
        result.map(|_| ())
    );
    assert!(matches!(
        "not-a-node-name".parse::<NodeName>(),
        Err(otp_core::dist::NodeNameError { .. })
    ));
}
