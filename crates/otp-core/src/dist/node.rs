//! A named node on the network: a listener registered with EPMD, connections in and out.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::exit::Atom;
use crate::term::{ExternalPid, ExternalRef};

use super::connection::{Connection, ConnectionOptions};
use super::epmd::{self, Registration};
use super::handshake::{self, HandshakeError, Identity};
use super::{Cookie, DistError, NodeName};

/// How a [`DistNode`] starts: see [`DistNode::builder`].
#[derive(Debug, Clone)]
pub struct DistNodeBuilder {
    name: String,
    cookie: Cookie,
    listen: SocketAddr,
    epmd: Option<SocketAddr>,
    connection: ConnectionOptions,
    handshake_timeout: Duration,
}

impl DistNodeBuilder {
    /// The address to accept connections on: `127.0.0.1` and a port of the system's choosing
    /// by default.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// OTP's `net_ticktime` for this node's connections (60 seconds by default).
    pub fn net_ticktime(mut self, ticktime: Duration) -> Self {
        self.connection.net_ticktime = ticktime;
        self
    }

    /// The largest frame a connection accepts (64 MiB by default).
    pub fn max_frame(mut self, bytes: usize) -> Self {
        self.connection.max_frame = bytes;
        self
    }

    /// How long a handshake may take, each way (7 seconds by default, OTP's
    /// `net_setuptime`).
    pub fn handshake_timeout(mut self, limit: Duration) -> Self {
        self.handshake_timeout = limit;
        self
    }

    /// The EPMD to register with (`127.0.0.1` on [`epmd::port`] by default).
    pub fn epmd(mut self, addr: SocketAddr) -> Self {
        self.epmd = Some(addr);
        self
    }

    /// Starts without EPMD: the node is not registered, peers must be given its address
    /// ([`DistNode::connect_to`]), and its creation is chosen here. For tests and for
    /// programs that only talk to each other.
    pub fn without_epmd(mut self) -> Self {
        self.epmd = None;
        self
    }

    /// Binds the listener, registers with EPMD (starting `epmd -daemon` if none answers on
    /// this host), and starts accepting connections.
    pub async fn start(self) -> Result<DistNode, DistError> {
        let name: NodeName = self.name.parse()?;
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|e| DistError::Io(format!("binding {}: {e}", self.listen)))?;
        let port = listener
            .local_addr()
            .map_err(|e| DistError::Io(e.to_string()))?
            .port();
        let (registration, creation) = match self.epmd {
            Some(addr) => {
                epmd::ensure_running(addr, Duration::from_secs(5)).await?;
                let registration = epmd::register(addr, name.name(), port).await?;
                let creation = registration.creation();
                (Some(registration), creation)
            }
            None => (None, fresh_creation()),
        };
        let identity = Identity::new(name.clone(), creation, self.cookie.clone());
        let (incoming_tx, incoming_rx) = mpsc::unbounded_channel();
        let accept_task = tokio::spawn(accept_loop(
            listener,
            identity.clone(),
            self.connection,
            self.handshake_timeout,
            incoming_tx,
        ));
        tracing::info!(node = %name, port, creation, "distribution started");
        Ok(DistNode {
            inner: Arc::new(Inner {
                atom: Atom::from(name.to_string()),
                identity,
                port,
                epmd: self.epmd,
                connection: self.connection,
                handshake_timeout: self.handshake_timeout,
                incoming: tokio::sync::Mutex::new(incoming_rx),
                accept_task,
                _registration: registration,
                next_pid: AtomicU32::new(100),
                next_ref: AtomicU64::new(1),
            }),
        })
    }
}

/// A creation for a node EPMD does not number: any non-zero value that differs between runs.
fn fresh_creation() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32)) // mixing bits, truncation intended
        .unwrap_or(1);
    nanos.max(1)
}

/// A node on the network: it has a name and a cookie, accepts connections from other nodes
/// and connects to them, and hands each finished handshake over as a [`Connection`].
///
/// This is the distribution layer on its own, below processes: it knows nothing of mailboxes
/// or GenServers. It makes the pids and references that name this node's processes in the
/// messages it sends ([`DistNode::make_pid`], [`DistNode::make_ref`]).
///
/// ```no_run
/// use otp_core::dist::{ControlMessage, Cookie, DistNode};
/// use otp_core::term::Term;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let node = DistNode::builder("rust@127.0.0.1", Cookie::new("secret")).start().await?;
/// // Erlang: {echo, 'erl@127.0.0.1'} ! {self(), hello}
/// let connection = node.connect("erl@127.0.0.1").await?;
/// let me = node.make_pid();
/// connection.send(&ControlMessage::RegSend {
///     from: me.clone(),
///     to: "echo".into(),
///     message: Term::tuple([Term::Pid(me), Term::atom("hello")]),
///     token: None,
/// })?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DistNode {
    inner: Arc<Inner>,
}

struct Inner {
    atom: Atom,
    identity: Identity,
    port: u16,
    epmd: Option<SocketAddr>,
    connection: ConnectionOptions,
    handshake_timeout: Duration,
    incoming: tokio::sync::Mutex<mpsc::UnboundedReceiver<Result<Connection, DistError>>>,
    accept_task: tokio::task::JoinHandle<()>,
    _registration: Option<Registration>,
    next_pid: AtomicU32,
    next_ref: AtomicU64,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

impl DistNode {
    /// Prepares a node called `name` (`"rust@127.0.0.1"`) with `cookie`.
    pub fn builder(name: impl Into<String>, cookie: Cookie) -> DistNodeBuilder {
        DistNodeBuilder {
            name: name.into(),
            cookie,
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            epmd: Some(SocketAddr::new(
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                epmd::port(),
            )),
            connection: ConnectionOptions::default(),
            handshake_timeout: Duration::from_secs(7),
        }
    }

    /// The node's name as an atom: `:"rust@127.0.0.1"`.
    pub fn name(&self) -> &Atom {
        &self.inner.atom
    }

    /// The node's creation: its incarnation, from EPMD.
    pub fn creation(&self) -> u32 {
        self.inner.identity.creation()
    }

    /// The port the node accepts connections on.
    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// The address the node accepts connections on, for [`DistNode::connect_to`].
    pub fn local_addr(&self) -> SocketAddr {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.inner.port)
    }

    /// A new pid of this node, for a process that sends or receives over connections.
    /// Ids count up from 100, as on a fresh BEAM.
    pub fn make_pid(&self) -> ExternalPid {
        let id = self.inner.next_pid.fetch_add(1, Ordering::Relaxed);
        ExternalPid::new(self.inner.atom.clone(), id, 0, self.creation())
    }

    /// A new reference of this node (three words, as `make_ref()` makes).
    pub fn make_ref(&self) -> ExternalRef {
        let n = self.inner.next_ref.fetch_add(1, Ordering::Relaxed);
        ExternalRef::new(
            self.inner.atom.clone(),
            self.creation(),
            vec![(n & 0x3_FFFF) as u32, (n >> 18) as u32, 0], // 18 bits, then the rest
        )
    }

    /// The next connection another node opened to this one, after its handshake; or the
    /// error of a handshake that failed (a wrong cookie, say), which was also logged. Either
    /// way the node goes on accepting.
    pub async fn accept(&self) -> Result<Connection, DistError> {
        let mut incoming = self.inner.incoming.lock().await;
        incoming
            .recv()
            .await
            .unwrap_or_else(|| Err(DistError::Io("the listener stopped".into())))
    }

    /// Connects to node `peer` (`"erl@127.0.0.1"`), finding its port through the EPMD of its
    /// host.
    pub async fn connect(&self, peer: &str) -> Result<Connection, DistError> {
        let peer: NodeName = peer.parse()?;
        let epmd_port = self.inner.epmd.map(|a| a.port()).unwrap_or_else(epmd::port);
        let host_ip = resolve(peer.host()).await?;
        let port = epmd::lookup(
            SocketAddr::new(host_ip, epmd_port),
            peer.host(),
            peer.name(),
        )
        .await?;
        self.connect_at(&peer, SocketAddr::new(host_ip, port)).await
    }

    /// Connects to node `peer` listening at `addr`, without asking EPMD.
    pub async fn connect_to(&self, peer: &str, addr: SocketAddr) -> Result<Connection, DistError> {
        let peer: NodeName = peer.parse()?;
        self.connect_at(&peer, addr).await
    }

    async fn connect_at(&self, peer: &NodeName, addr: SocketAddr) -> Result<Connection, DistError> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| DistError::Io(format!("connecting to {peer} at {addr}: {e}")))?;
        let (stream, peer_info) = handshake::initiate(
            stream,
            &self.inner.identity,
            peer,
            self.inner.handshake_timeout,
        )
        .await
        .inspect_err(|e| tracing::warn!(peer = %peer, "connection refused: {e}"))?;
        tracing::debug!(peer = %peer, "connected");
        Ok(Connection::start(stream, peer_info, self.inner.connection))
    }
}

async fn resolve(host: &str) -> Result<IpAddr, DistError> {
    if let Ok(ip) = host.parse() {
        return Ok(ip);
    }
    tokio::net::lookup_host((host, 0))
        .await
        .ok()
        .and_then(|mut addrs| addrs.next())
        .map(|a| a.ip())
        .ok_or_else(|| DistError::Io(format!("cannot resolve host {host}")))
}

async fn accept_loop(
    listener: TcpListener,
    identity: Identity,
    options: ConnectionOptions,
    limit: Duration,
    incoming: mpsc::UnboundedSender<Result<Connection, DistError>>,
) {
    loop {
        let (stream, addr) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!("accepting a distribution connection: {e}");
                // Out of file descriptors, say: give the system a moment.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let identity = identity.clone();
        let incoming = incoming.clone();
        tokio::spawn(async move {
            let result = match handshake::accept(stream, &identity, limit).await {
                Ok((stream, peer)) => {
                    tracing::debug!(peer = peer.name.as_str(), %addr, "accepted a connection");
                    Ok(Connection::start(stream, peer, options))
                }
                Err(e) => {
                    match &e {
                        HandshakeError::CookieMismatch { peer } => tracing::warn!(
                            %addr,
                            "** Connection attempt from node {peer} rejected: invalid challenge reply (a cookie that differs) **"
                        ),
                        other => tracing::warn!(%addr, "refused a connection: {other}"),
                    }
                    Err(DistError::Handshake(e))
                }
            };
            let _ = incoming.send(result);
        });
    }
}
