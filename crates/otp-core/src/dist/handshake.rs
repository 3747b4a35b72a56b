//! The connection handshake of OTP 23+ (protocol version 6), both as the node that connects
//! and as the node that accepts: names and flags exchanged, then a challenge each way answered
//! with the MD5 digest of the cookie and the challenge, so each side proves it knows the
//! cookie without sending it.
//!
//! The message exchange is `erl_dist`'s, run on tokio's `TcpStream` through `tokio-util`'s
//! futures-io compat layer. This module adds what a node needs around it: a time limit, the
//! check that the peer has every flag this node requires, and errors that say what went wrong
//! (a cookie that differs, above all) instead of an I/O error.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use erl_dist::handshake::{
    ClientSideHandshake, HandshakeError as WireError, HandshakeStatus, ServerSideHandshake,
};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

use crate::exit::Atom;

use super::{Cookie, Flags, NodeName};

/// Who this node is in a handshake: its name, its creation (its incarnation, from EPMD) and
/// its cookie.
///
/// ```
/// use otp_core::dist::{Cookie, Identity};
///
/// let me = Identity::new("rust@127.0.0.1".parse().unwrap(), 7, Cookie::new("secret"));
/// assert_eq!(me.name().to_string(), "rust@127.0.0.1");
/// assert_eq!(format!("{me:?}"), "Identity { name: rust@127.0.0.1, creation: 7, cookie: Cookie(..) }");
/// ```
#[derive(Clone, Debug)]
pub struct Identity {
    name: NodeName,
    creation: u32,
    cookie: Cookie,
}

impl Identity {
    /// This node's name, creation and cookie.
    pub fn new(name: NodeName, creation: u32, cookie: Cookie) -> Self {
        Identity {
            name,
            creation,
            cookie,
        }
    }

    /// The node's name.
    pub fn name(&self) -> &NodeName {
        &self.name
    }

    /// The node's creation.
    pub fn creation(&self) -> u32 {
        self.creation
    }

    fn local_node(&self) -> Result<erl_dist::node::LocalNode, HandshakeError> {
        let name = self
            .name
            .to_string()
            .parse()
            .map_err(
                |e: erl_dist::node::NodeNameError| HandshakeError::Protocol {
                    peer: None,
                    detail: e.to_string(),
                },
            )?;
        let mut node =
            erl_dist::node::LocalNode::new(name, erl_dist::node::Creation::new(self.creation));
        node.flags = erl_dist::DistributionFlags::from_bits_truncate(Flags::ADVERTISED.bits());
        Ok(node)
    }
}

/// The node at the other end of a finished handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// Its name: `:"erl@127.0.0.1"`.
    pub name: Atom,
    /// The flags it advertised.
    pub flags: Flags,
    /// Its creation.
    pub creation: u32,
}

impl Peer {
    /// The flags both ends advertised: what the connection may use.
    ///
    /// ```
    /// use otp_core::dist::{Flags, Peer};
    ///
    /// let peer = Peer {
    ///     name: "erl@127.0.0.1".into(),
    ///     flags: Flags::REQUIRED | Flags::SPAWN,
    ///     creation: 1,
    /// };
    /// assert!(!peer.agreed_flags().contains(Flags::SPAWN), "this node does not advertise it");
    /// ```
    pub fn agreed_flags(&self) -> Flags {
        self.flags & Flags::ADVERTISED
    }
}

/// Why a handshake failed. The connection is closed in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// The peer answered our challenge with a digest of another cookie: it does not know
    /// ours. (As the accepting node, this is how a wrong cookie shows.)
    #[error(
        "{peer} does not know this node's cookie: its challenge reply is a digest of another cookie"
    )]
    CookieMismatch {
        /// The peer's name.
        peer: String,
    },
    /// The peer closed the connection after our challenge reply: it found our digest wrong,
    /// so its cookie differs from ours. (As the connecting node, this is how a wrong cookie
    /// shows: OTP closes without a word.)
    #[error(
        "{peer} refused the connection after our challenge reply: its cookie differs from ours"
    )]
    CookieRejected {
        /// The peer's name.
        peer: String,
    },
    /// The peer refused the connection with a status: `nok` (it is connecting to us at the
    /// same time), `not_allowed`, or `alive` (it believes it is already connected to a node of
    /// our name).
    #[error("{peer} refused the connection: {status}")]
    Refused {
        /// The peer's name.
        peer: String,
        /// The status it sent.
        status: String,
    },
    /// The peer does not advertise a flag this node needs.
    #[error("{peer} lacks required distribution flags {missing:?}")]
    MissingFlags {
        /// The peer's name.
        peer: String,
        /// The flags it lacks.
        missing: Flags,
    },
    /// The peer asked for a dynamic name, which this node does not hand out.
    #[error("a peer on {host} asked for a dynamic node name; refused")]
    DynamicName {
        /// The host it named.
        host: String,
    },
    /// The handshake took longer than allowed.
    #[error("the handshake{} did not finish in {:?}", .peer.as_ref().map(|p| format!(" with {p}")).unwrap_or_default(), .limit)]
    Timeout {
        /// The peer's name, when known.
        peer: Option<String>,
        /// The time allowed.
        limit: Duration,
    },
    /// The connection closed before the handshake finished, for another reason than a cookie.
    #[error("the connection{} closed during the handshake: {detail}", .peer.as_ref().map(|p| format!(" with {p}")).unwrap_or_default())]
    Closed {
        /// The peer's name, when known.
        peer: Option<String>,
        /// What the socket said.
        detail: String,
    },
    /// The peer broke the handshake protocol (an unexpected message, a bad name).
    #[error("handshake protocol error{}: {detail}", .peer.as_ref().map(|p| format!(" with {p}")).unwrap_or_default())]
    Protocol {
        /// The peer's name, when known.
        peer: Option<String>,
        /// What was wrong.
        detail: String,
    },
}

/// What an accepting node answers a peer that has said its name: OTP's handshake status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// `ok`: go on.
    Accept,
    /// `ok_simultaneous`: go on; this node was connecting to the peer too, and gives its own
    /// attempt up (its name is the lower of the two, which loses, as in OTP).
    AcceptSimultaneous,
    /// `nok`: this node is connecting to the peer at the same time and its name is the higher
    /// of the two: its own attempt goes on, this one ends.
    Refuse,
}

/// A stream a handshake can run on: a TCP socket, or one end of an in-memory pipe.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for S {}

/// Connects as `me` over `stream` (already connected to `peer`'s distribution port) and
/// returns the stream, ready for distribution messages, and the peer's identity.
pub async fn initiate<S: Stream>(
    stream: S,
    me: &Identity,
    peer: &NodeName,
    limit: Duration,
) -> Result<(S, Peer), HandshakeError> {
    let peer_text = peer.to_string();
    let result = tokio::time::timeout(limit, initiate_inner(stream, me, &peer_text)).await;
    let (stream, peer) = result.map_err(|_| HandshakeError::Timeout {
        peer: Some(peer_text.clone()),
        limit,
    })??;
    if peer.name.as_str() != peer_text {
        return Err(HandshakeError::Protocol {
            peer: Some(peer_text),
            detail: format!("the node answering is {}", peer.name.as_str()),
        });
    }
    Ok((stream, peer))
}

async fn initiate_inner<S: Stream>(
    stream: S,
    me: &Identity,
    peer: &str,
) -> Result<(S, Peer), HandshakeError> {
    let counted = FlushCounter::new(stream.compat());
    let flushes = counted.flushes.clone();
    let mut handshake = ClientSideHandshake::new(counted, me.local_node()?, me.cookie.expose());
    let status = handshake
        .execute_send_name(erl_dist::LOWEST_DISTRIBUTION_PROTOCOL_VERSION)
        .await
        .map_err(|e| classify(e, Some(peer), false))?;
    match status {
        HandshakeStatus::Ok | HandshakeStatus::OkSimultaneous => {}
        other => {
            // `alive` would need a reply before the challenge; this node never continues an
            // old connection's handshake, so every status but ok ends here.
            return Err(HandshakeError::Refused {
                peer: peer.to_string(),
                status: status_text(&other),
            });
        }
    }
    let (counted, wire_peer) = handshake.execute_rest(true).await.map_err(|e| {
        // Our challenge reply is the second message we flush; a peer that closes after it
        // found our digest wrong.
        let replied = flushes.load(std::sync::atomic::Ordering::Relaxed) >= 2;
        classify(e, Some(peer), replied)
    })?;
    let peer = check_peer(wire_peer)?;
    Ok((counted.inner.into_inner(), peer))
}

/// Accepts a connection as `me`: the peer connected to our listening socket. Every peer is
/// answered `ok` (see [`accept_with`] to decide).
pub async fn accept<S: Stream>(
    stream: S,
    me: &Identity,
    limit: Duration,
) -> Result<(S, Peer), HandshakeError> {
    accept_with(stream, me, limit, |_| Admission::Accept).await
}

/// Accepts a connection as `me`, asking `admit` what to answer once the peer has said its
/// name: the rule for two nodes that connect to each other at the same time lives with the
/// caller, which knows its own attempts. A refused peer is [`HandshakeError::Refused`].
pub async fn accept_with<S: Stream>(
    stream: S,
    me: &Identity,
    limit: Duration,
    admit: impl FnOnce(&Atom) -> Admission + Send,
) -> Result<(S, Peer), HandshakeError> {
    tokio::time::timeout(limit, accept_inner(stream, me, admit))
        .await
        .map_err(|_| HandshakeError::Timeout { peer: None, limit })?
}

async fn accept_inner<S: Stream>(
    stream: S,
    me: &Identity,
    admit: impl FnOnce(&Atom) -> Admission,
) -> Result<(S, Peer), HandshakeError> {
    let mut handshake =
        ServerSideHandshake::new(stream.compat(), me.local_node()?, me.cookie.expose());
    let name = handshake
        .execute_recv_name()
        .await
        .map_err(|e| classify(e, None, false))?;
    let Some(name) = name else {
        return Err(HandshakeError::DynamicName {
            host: String::from("(unnamed)"),
        });
    };
    let peer_name = name.to_string();
    let status = match admit(&Atom::from(peer_name.as_str())) {
        Admission::Accept => HandshakeStatus::Ok,
        Admission::AcceptSimultaneous => HandshakeStatus::OkSimultaneous,
        Admission::Refuse => HandshakeStatus::Nok,
    };
    let refused = status == HandshakeStatus::Nok;
    let (stream, wire_peer) = handshake.execute_rest(status).await.map_err(|e| {
        if refused {
            HandshakeError::Refused {
                peer: peer_name.clone(),
                status: "nok (sent by this node: it is connecting to the peer, and wins)".into(),
            }
        } else {
            classify(e, Some(&peer_name), false)
        }
    })?;
    let peer = check_peer(wire_peer)?;
    Ok((stream.into_inner(), peer))
}

fn check_peer(peer: erl_dist::node::PeerNode) -> Result<Peer, HandshakeError> {
    let flags = Flags::from_bits(peer.flags.bits());
    let name = peer.name.to_string();
    if !flags.contains(Flags::REQUIRED) {
        return Err(HandshakeError::MissingFlags {
            peer: name,
            missing: Flags::from_bits(Flags::REQUIRED.bits() & !flags.bits()),
        });
    }
    Ok(Peer {
        name: Atom::from(name),
        flags,
        creation: peer.creation.map(|c| c.get()).unwrap_or(0),
    })
}

fn status_text(status: &HandshakeStatus) -> String {
    match status {
        HandshakeStatus::Ok => "ok".into(),
        HandshakeStatus::OkSimultaneous => "ok_simultaneous".into(),
        HandshakeStatus::Nok => "nok (it is connecting to this node at the same time)".into(),
        HandshakeStatus::NotAllowed => "not_allowed".into(),
        HandshakeStatus::Alive => {
            "alive (it believes a connection to a node of this name is up)".into()
        }
        HandshakeStatus::Named { name, .. } => format!("named:{name}"),
    }
}

fn classify(error: WireError, peer: Option<&str>, replied: bool) -> HandshakeError {
    let peer_owned = peer.map(str::to_string);
    match error {
        WireError::CookieMismatch => HandshakeError::CookieMismatch {
            peer: peer.unwrap_or("the peer").to_string(),
        },
        WireError::Io(io) if replied => {
            let _ = io;
            HandshakeError::CookieRejected {
                peer: peer.unwrap_or("the peer").to_string(),
            }
        }
        WireError::Io(io) => HandshakeError::Closed {
            peer: peer_owned,
            detail: io.to_string(),
        },
        WireError::OngoingHandshake => HandshakeError::Refused {
            peer: peer.unwrap_or("the peer").to_string(),
            status: status_text(&HandshakeStatus::Nok),
        },
        WireError::NotAllowed => HandshakeError::Refused {
            peer: peer.unwrap_or("the peer").to_string(),
            status: status_text(&HandshakeStatus::NotAllowed),
        },
        WireError::AlreadyActive => HandshakeError::Refused {
            peer: peer.unwrap_or("the peer").to_string(),
            status: status_text(&HandshakeStatus::Alive),
        },
        other => HandshakeError::Protocol {
            peer: peer_owned,
            detail: other.to_string(),
        },
    }
}

/// A futures-io stream that counts its completed flushes: each handshake message ends with
/// one, so the count tells how far the handshake got when the peer closed.
struct FlushCounter<T> {
    inner: T,
    flushes: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl<T> FlushCounter<T> {
    fn new(inner: T) -> Self {
        FlushCounter {
            inner,
            flushes: Default::default(),
        }
    }
}

impl<S: Stream> futures_io::AsyncRead for FlushCounter<Compat<S>> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: Stream> futures_io::AsyncWrite for FlushCounter<Compat<S>> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        if let Poll::Ready(Ok(())) = result {
            self.flushes
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        result
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}
