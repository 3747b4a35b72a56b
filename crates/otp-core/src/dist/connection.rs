//! A live connection to another node: framed distribution messages both ways, and the ticks
//! that keep an idle connection up.
//!
//! After the handshake every message is a frame: a 4-byte big-endian length, then that many
//! bytes. A frame of length 0 is a tick. Any other frame starts with the pass-through type
//! byte `112`, followed by a [`ControlMessage`]'s terms. (This node advertises neither the
//! atom cache nor fragments, so it never receives the other frame kinds.)
//!
//! Two tasks serve each connection. The reader decodes frames into [`ControlMessage`]s for
//! [`Connection::recv`]; a peer that stays silent for a whole `net_ticktime`, or sends a frame
//! that is too large or does not decode, ends the connection with a [`CloseReason`], logged,
//! and nothing else is affected. The writer sends what [`Connection::send`] encoded, and a tick
//! whenever it has sent nothing for a quarter of `net_ticktime` (as OTP does) and in answer to
//! each tick received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::term::etf::EncodeError;

use super::control::{ControlError, ControlMessage};
use super::handshake::{Peer, Stream};

/// The type byte of a frame that carries a control message without a distribution header.
pub const PASS_THROUGH: u8 = 112;

/// How a connection behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionOptions {
    /// OTP's `net_ticktime`: a peer silent this long is taken for dead, and an idle connection
    /// gets a tick every quarter of it. 60 seconds by default, as in OTP.
    pub net_ticktime: Duration,
    /// The largest frame accepted; a longer one closes the connection before anything is
    /// allocated for it. 64 MiB by default.
    pub max_frame: usize,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            net_ticktime: Duration::from_secs(60),
            max_frame: 64 << 20,
        }
    }
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CloseReason {
    /// The peer closed it.
    #[error("the peer closed the connection")]
    PeerClosed,
    /// This node closed it ([`Connection::close`], or the [`Connection`] was dropped).
    #[error("closed by this node")]
    ClosedLocally,
    /// Nothing, not even a tick, arrived for a whole `net_ticktime`.
    #[error("nothing heard from the peer for {0:?} (net_ticktime): taken for dead")]
    TickTimeout(Duration),
    /// A frame longer than [`ConnectionOptions::max_frame`].
    #[error("a frame of {len} bytes, over the {limit}-byte limit")]
    FrameTooLarge {
        /// Its announced length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A frame of a kind this node did not ask for.
    #[error("a frame of type {0}, where only pass-through frames (112) are expected")]
    BadFrameType(u8),
    /// A frame whose control message did not decode.
    #[error("a malformed distribution message: {0}")]
    Malformed(ControlError),
    /// The socket failed.
    #[error("socket error: {0}")]
    Io(String),
}

/// Why a message could not be sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// The message holds a term the external format cannot carry.
    #[error("cannot encode the message: {0}")]
    Encode(#[from] EncodeError),
    /// The connection is closed.
    #[error("the connection is closed: {0}")]
    Closed(CloseReason),
}

enum Outgoing {
    Frame(Vec<u8>),
    Tick,
    Close,
}

/// The sending side of a [`Connection`]: cheap to clone, usable from any task.
#[derive(Clone)]
pub struct ConnectionSender {
    peer: Arc<Peer>,
    out: mpsc::UnboundedSender<Outgoing>,
    closed: Arc<Mutex<Option<CloseReason>>>,
}

impl ConnectionSender {
    /// Encodes `message` for this peer and queues it. Messages are written in the order they
    /// were queued.
    pub fn send(&self, message: &ControlMessage) -> Result<(), SendError> {
        let mut frame = Vec::with_capacity(128);
        frame.extend_from_slice(&[0, 0, 0, 0, PASS_THROUGH]);
        message.encode_into(self.peer.agreed_flags(), &mut frame)?;
        let len = u32::try_from(frame.len() - 4)
            .map_err(|_| SendError::Encode(EncodeError::TooLarge("message")))?;
        frame[..4].copy_from_slice(&len.to_be_bytes());
        self.out
            .send(Outgoing::Frame(frame))
            .map_err(|_| SendError::Closed(self.close_reason()))
    }

    /// The peer.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    /// Closes the connection: what was queued before is still written, then the socket is
    /// shut down.
    pub fn close(&self) {
        let _ = self.out.send(Outgoing::Close);
    }

    fn close_reason(&self) -> CloseReason {
        lock(&self.closed)
            .clone()
            .unwrap_or(CloseReason::ClosedLocally)
    }
}

/// A connection to another node, after the handshake. See the [module documentation](crate::dist).
///
/// Dropping it closes the connection.
pub struct Connection {
    sender: ConnectionSender,
    events: mpsc::UnboundedReceiver<Result<ControlMessage, CloseReason>>,
    ended: Option<CloseReason>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding this lock cannot leave the Option half-written.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Connection {
    /// Starts serving `stream`, whose handshake with `peer` is done: a socket (see
    /// [`Connection::start_tcp`], which splits it without a lock), or one end of an in-memory
    /// pipe.
    pub fn start<S: Stream>(stream: S, peer: Peer, options: ConnectionOptions) -> Connection {
        let (read, write) = tokio::io::split(stream);
        Connection::start_halves(read, write, peer, options)
    }

    /// Starts serving a TCP connection whose handshake with `peer` is done. Small messages
    /// go out at once (`TCP_NODELAY`), as on the BEAM.
    pub fn start_tcp(stream: TcpStream, peer: Peer, options: ConnectionOptions) -> Connection {
        let _ = stream.set_nodelay(true);
        let (read, write) = stream.into_split();
        Connection::start_halves(read, write, peer, options)
    }

    fn start_halves<R, W>(read: R, write: W, peer: Peer, options: ConnectionOptions) -> Connection
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let closed = Arc::new(Mutex::new(None));
        let peer = Arc::new(peer);
        tokio::spawn(read_loop(
            read,
            options,
            peer.clone(),
            events_tx,
            out_tx.clone(),
            closed.clone(),
        ));
        tokio::spawn(write_loop(write, options, out_rx));
        Connection {
            sender: ConnectionSender {
                peer,
                out: out_tx,
                closed,
            },
            events: events_rx,
            ended: None,
        }
    }

    /// The node at the other end.
    pub fn peer(&self) -> &Peer {
        &self.sender.peer
    }

    /// A handle other tasks can send through.
    pub fn sender(&self) -> ConnectionSender {
        self.sender.clone()
    }

    /// Encodes `message` and queues it for the peer.
    pub fn send(&self, message: &ControlMessage) -> Result<(), SendError> {
        self.sender.send(message)
    }

    /// The next message from the peer, or why the connection ended (the same reason on every
    /// call after that).
    pub async fn recv(&mut self) -> Result<ControlMessage, CloseReason> {
        if let Some(reason) = &self.ended {
            return Err(reason.clone());
        }
        let event = self.events.recv().await.unwrap_or_else(|| {
            Err(lock(&self.sender.closed)
                .clone()
                .unwrap_or(CloseReason::ClosedLocally))
        });
        if let Err(reason) = &event {
            self.ended = Some(reason.clone());
        }
        event
    }

    /// Closes the connection: what was queued before is still written, then the socket is
    /// shut down.
    pub fn close(&self) {
        let _ = self.sender.out.send(Outgoing::Close);
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.close();
    }
}

async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    options: &ConnectionOptions,
) -> Result<Option<Vec<u8>>, CloseReason> {
    let silence = options.net_ticktime;
    let mut header = [0u8; 4];
    match tokio::time::timeout(silence, reader.read_exact(&mut header)).await {
        Err(_) => return Err(CloseReason::TickTimeout(silence)),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(CloseReason::PeerClosed);
        }
        Ok(Err(e)) => return Err(CloseReason::Io(e.to_string())),
        Ok(Ok(_)) => {}
    }
    let len = u32::from_be_bytes(header) as usize;
    if len == 0 {
        return Ok(None);
    }
    if len > options.max_frame {
        return Err(CloseReason::FrameTooLarge {
            len,
            limit: options.max_frame,
        });
    }
    // Read in chunks, each under the silence limit: a peer making progress is alive.
    let mut body = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        let end = (filled + (64 << 10)).min(len);
        match tokio::time::timeout(silence, reader.read(&mut body[filled..end])).await {
            Err(_) => return Err(CloseReason::TickTimeout(silence)),
            Ok(Ok(0)) => return Err(CloseReason::PeerClosed),
            Ok(Ok(n)) => filled += n,
            Ok(Err(e)) => return Err(CloseReason::Io(e.to_string())),
        }
    }
    Ok(Some(body))
}

async fn read_loop<R: AsyncRead + Unpin>(
    read: R,
    options: ConnectionOptions,
    peer: Arc<Peer>,
    events: mpsc::UnboundedSender<Result<ControlMessage, CloseReason>>,
    out: mpsc::UnboundedSender<Outgoing>,
    closed: Arc<Mutex<Option<CloseReason>>>,
) {
    let mut reader = BufReader::with_capacity(64 << 10, read);
    let reason = loop {
        let body = match read_frame(&mut reader, &options).await {
            Ok(None) => {
                // A tick: answer it, so the peer hears from us even if we have nothing to say.
                let _ = out.send(Outgoing::Tick);
                continue;
            }
            Ok(Some(body)) => body,
            Err(reason) => break reason,
        };
        if body[0] != PASS_THROUGH {
            break CloseReason::BadFrameType(body[0]);
        }
        let message = match ControlMessage::decode(&body[1..]) {
            Ok(message) => message,
            Err(e) => break CloseReason::Malformed(e),
        };
        if events.send(Ok(message)).is_err() {
            break CloseReason::ClosedLocally;
        }
    };
    match &reason {
        CloseReason::PeerClosed | CloseReason::ClosedLocally => {
            tracing::debug!(
                peer = peer.name.as_str(),
                "distribution connection closed: {reason}"
            );
        }
        _ => {
            tracing::warn!(
                peer = peer.name.as_str(),
                "distribution connection closed: {reason}"
            );
        }
    }
    *lock(&closed) = Some(reason.clone());
    let _ = events.send(Err(reason));
    let _ = out.send(Outgoing::Close);
}

async fn write_loop<W: AsyncWrite + Unpin>(
    write: W,
    options: ConnectionOptions,
    mut out: mpsc::UnboundedReceiver<Outgoing>,
) {
    let mut writer = BufWriter::with_capacity(64 << 10, write);
    let tick_every = (options.net_ticktime / 4).max(Duration::from_millis(1));
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + tick_every, tick_every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut wrote = false;
    loop {
        let next = tokio::select! {
            next = out.recv() => next,
            _ = ticker.tick() => {
                if !wrote && write_tick(&mut writer).await.is_err() {
                    break;
                }
                wrote = false;
                continue;
            }
        };
        let mut batch = match next {
            Some(Outgoing::Close) | None => break,
            Some(item) => vec![item],
        };
        // Take whatever else is already queued, so a burst costs one flush.
        while batch.len() < 256 {
            match out.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let mut close = false;
        let mut failed = false;
        for item in batch {
            let result = match item {
                Outgoing::Frame(frame) => writer.write_all(&frame).await,
                Outgoing::Tick => writer.write_all(&[0, 0, 0, 0]).await,
                Outgoing::Close => {
                    close = true;
                    break;
                }
            };
            if result.is_err() {
                failed = true;
                break;
            }
        }
        if failed || writer.flush().await.is_err() || close {
            break;
        }
        wrote = true;
    }
    let _ = writer.flush().await;
    let _ = writer.shutdown().await;
}

async fn write_tick<W: AsyncWrite + Unpin>(writer: &mut BufWriter<W>) -> std::io::Result<()> {
    writer.write_all(&[0, 0, 0, 0]).await?;
    writer.flush().await
}
