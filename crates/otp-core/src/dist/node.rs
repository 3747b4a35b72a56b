//! A named node on the network: a listener registered with EPMD, connections in and out; or
//! a node of an in-memory network of nodes in one program.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::io::DuplexStream;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::atom::Atom;
use crate::term::{ExternalPid, ExternalRef};

use super::connection::{Connection, ConnectionOptions};
use super::epmd::{self, Registration};
use super::handshake::{self, Admission, HandshakeError, Identity, Stream};
use super::{Cookie, NodeName, NodeNameError};

/// Why a distribution operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A node name that is not `name@host`.
    #[error(transparent)]
    Name(#[from] NodeNameError),
    /// EPMD could not be reached, or refused.
    #[error(transparent)]
    Epmd(#[from] epmd::EpmdError),
    /// The handshake failed: a wrong cookie, a refusal, a timeout.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// A socket could not be bound or connected.
    #[error("{0}")]
    Io(String),
    /// No node of that name is on the in-memory network (see [`MemoryNetwork`]).
    #[error("no node called {0} is on this in-memory network")]
    NoSuchNode(String),
    /// A node of that name is already on the in-memory network.
    #[error("a node called {0} is already on this in-memory network")]
    NameInUse(String),
    /// The node has no distribution: it was started without a name.
    #[error("this node is not distributed: start it with Node::start_distributed")]
    NotDistributed,
    /// The node is distributed already.
    #[error("this node is distributed already")]
    AlreadyDistributed,
}

/// A network of nodes inside one program: nodes started on it (see
/// [`DistNodeBuilder::memory`]) find each other by name and connect through in-memory pipes,
/// with no socket and no EPMD. Everything that travels on the pipes is what travels on a
/// socket: the same handshake, frames and control messages, as Erlang lets distribution run
/// over carriers other than TCP (`-proto_dist`). Use it for two nodes that must run under one
/// paused clock, as deterministic tests do.
///
/// ```
/// use otp_core::dist::{Cookie, DistNode, MemoryNetwork};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let net = MemoryNetwork::new();
/// let a = DistNode::builder("a@memory", Cookie::new("secret")).memory(&net).start().await.unwrap();
/// let b = DistNode::builder("b@memory", Cookie::new("secret")).memory(&net).start().await.unwrap();
/// let to_a = b.connect("a@memory").await.unwrap();
/// let at_a = a.accept().await.unwrap();
/// assert_eq!((to_a.peer().name.as_str(), at_a.peer().name.as_str()), ("a@memory", "b@memory"));
/// assert!(b.connect("c@memory").await.is_err(), "no such node");
/// # });
/// ```
#[derive(Clone, Default)]
pub struct MemoryNetwork {
    nodes: Arc<Mutex<HashMap<String, mpsc::UnboundedSender<DuplexStream>>>>,
}

impl MemoryNetwork {
    /// An empty network.
    pub fn new() -> Self {
        Self::default()
    }

    fn join(&self, name: &str) -> Result<mpsc::UnboundedReceiver<DuplexStream>, DistError> {
        let mut nodes = lock(&self.nodes);
        if nodes.get(name).is_some_and(|tx| !tx.is_closed()) {
            return Err(DistError::NameInUse(name.to_string()));
        }
        let (tx, rx) = mpsc::unbounded_channel();
        nodes.insert(name.to_string(), tx);
        Ok(rx)
    }

    fn leave(&self, name: &str) {
        lock(&self.nodes).remove(name);
    }

    /// One end of a new pipe to `name`, whose other end `name` accepts.
    fn dial(&self, name: &str) -> Result<DuplexStream, DistError> {
        let nodes = lock(&self.nodes);
        let node = nodes
            .get(name)
            .ok_or_else(|| DistError::NoSuchNode(name.to_string()))?;
        let (ours, theirs) = tokio::io::duplex(64 << 10);
        node.send(theirs)
            .map_err(|_| DistError::NoSuchNode(name.to_string()))?;
        Ok(ours)
    }
}

impl std::fmt::Debug for MemoryNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<String> = lock(&self.nodes).keys().cloned().collect();
        names.sort();
        write!(f, "MemoryNetwork({names:?})")
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section here is a map insert, remove or lookup: a panic cannot leave
    // one half-done.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a node consults before answering a peer that connects to it (see
/// [`DistNode::set_admission`]).
pub type AdmissionRule = Arc<dyn Fn(&Atom) -> Admission + Send + Sync>;

/// How a [`DistNode`] starts: see [`DistNode::builder`].
#[derive(Debug, Clone)]
pub struct DistNodeBuilder {
    name: String,
    cookie: Cookie,
    listen: SocketAddr,
    epmd: Option<SocketAddr>,
    connection: ConnectionOptions,
    handshake_timeout: Duration,
    memory: Option<MemoryNetwork>,
    addresses: HashMap<String, SocketAddr>,
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
    /// ([`DistNode::connect_to`], or [`DistNodeBuilder::peer_address`] here), and its creation
    /// is chosen here. For tests and for programs that only talk to each other.
    pub fn without_epmd(mut self) -> Self {
        self.epmd = None;
        self
    }

    /// Where node `peer` (`"b@127.0.0.1"`) listens: [`DistNode::connect`] goes there without
    /// asking EPMD.
    pub fn peer_address(mut self, peer: impl Into<String>, addr: SocketAddr) -> Self {
        self.addresses.insert(peer.into(), addr);
        self
    }

    /// Joins an in-memory network instead of the host's: no socket, no EPMD (see
    /// [`MemoryNetwork`]).
    pub fn memory(mut self, network: &MemoryNetwork) -> Self {
        self.memory = Some(network.clone());
        self
    }

    /// Binds the listener, registers with EPMD (starting `epmd -daemon` if none answers on
    /// this host), and starts accepting connections. On an in-memory network, joins it
    /// instead.
    pub async fn start(self) -> Result<DistNode, DistError> {
        let name: NodeName = self.name.parse()?;
        let admission: Arc<OnceLock<AdmissionRule>> = Arc::new(OnceLock::new());
        let (incoming_tx, incoming_rx) = mpsc::unbounded_channel();
        let (carrier, creation, accept_task) = match &self.memory {
            Some(network) => {
                let pipes = network.join(&name.to_string())?;
                let creation = fresh_creation();
                let identity = Identity::new(name.clone(), creation, self.cookie.clone());
                let accept = Acceptor {
                    identity,
                    options: self.connection,
                    limit: self.handshake_timeout,
                    admission: admission.clone(),
                    incoming: incoming_tx,
                };
                let task = tokio::spawn(accept_pipes(pipes, accept));
                (Carrier::Memory(network.clone()), creation, task)
            }
            None => {
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
                let accept = Acceptor {
                    identity,
                    options: self.connection,
                    limit: self.handshake_timeout,
                    admission: admission.clone(),
                    incoming: incoming_tx,
                };
                let task = tokio::spawn(accept_loop(listener, accept));
                let carrier = Carrier::Tcp {
                    port,
                    epmd: self.epmd,
                    addresses: self.addresses,
                    _registration: registration,
                };
                (carrier, creation, task)
            }
        };
        let identity = Identity::new(name.clone(), creation, self.cookie.clone());
        match &carrier {
            Carrier::Tcp { port, .. } => {
                tracing::info!(node = %name, port, creation, "distribution started");
            }
            Carrier::Memory(_) => {
                tracing::debug!(node = %name, creation, "distribution started in memory");
            }
        }
        Ok(DistNode {
            inner: Arc::new(Inner {
                atom: Atom::from(name.to_string()),
                identity,
                carrier,
                connection: self.connection,
                handshake_timeout: self.handshake_timeout,
                incoming: tokio::sync::Mutex::new(incoming_rx),
                accept_task,
                admission,
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
    carrier: Carrier,
    connection: ConnectionOptions,
    handshake_timeout: Duration,
    incoming: tokio::sync::Mutex<mpsc::UnboundedReceiver<Result<Connection, DistError>>>,
    accept_task: tokio::task::JoinHandle<()>,
    admission: Arc<OnceLock<AdmissionRule>>,
    next_pid: AtomicU32,
    next_ref: AtomicU64,
}

/// How a node reaches its peers and they reach it.
enum Carrier {
    /// TCP on the host, names through EPMD (or the addresses given).
    Tcp {
        port: u16,
        epmd: Option<SocketAddr>,
        addresses: HashMap<String, SocketAddr>,
        _registration: Option<Registration>,
    },
    /// An in-memory network.
    Memory(MemoryNetwork),
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.accept_task.abort();
        if let Carrier::Memory(network) = &self.carrier {
            network.leave(self.atom.as_str());
        }
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
            memory: None,
            addresses: HashMap::new(),
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

    /// The port the node accepts connections on (0 on an in-memory network).
    pub fn port(&self) -> u16 {
        match &self.inner.carrier {
            Carrier::Tcp { port, .. } => *port,
            Carrier::Memory(_) => 0,
        }
    }

    /// The address the node accepts connections on, for [`DistNode::connect_to`].
    pub fn local_addr(&self) -> SocketAddr {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.port())
    }

    /// How long a handshake may take, each way.
    pub fn handshake_timeout(&self) -> Duration {
        self.inner.handshake_timeout
    }

    /// Who this node is in a handshake: its name, creation and cookie.
    pub fn identity(&self) -> &Identity {
        &self.inner.identity
    }

    /// Sets what this node answers a peer that connects to it, once the peer has said its
    /// name (every peer is accepted until this is set; it can be set once). The runtime's
    /// distribution sets it to OTP's rule for two nodes that connect to each other at the
    /// same time.
    pub fn set_admission(&self, rule: AdmissionRule) -> bool {
        self.inner.admission.set(rule).is_ok()
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
    /// host (or at the address given to [`DistNodeBuilder::peer_address`]; on an in-memory
    /// network, through the network).
    pub async fn connect(&self, peer: &str) -> Result<Connection, DistError> {
        let peer: NodeName = peer.parse()?;
        match &self.inner.carrier {
            Carrier::Memory(network) => {
                let pipe = network.dial(&peer.to_string())?;
                self.handshake(pipe, &peer).await.map(|(pipe, peer_info)| {
                    Connection::start(pipe, peer_info, self.inner.connection)
                })
            }
            Carrier::Tcp {
                epmd, addresses, ..
            } => {
                if let Some(addr) = addresses.get(&peer.to_string()) {
                    return self.connect_at(&peer, *addr).await;
                }
                let epmd_port = epmd.map(|a| a.port()).unwrap_or_else(epmd::port);
                let host_ip = resolve(peer.host()).await?;
                let port = epmd::lookup(
                    SocketAddr::new(host_ip, epmd_port),
                    peer.host(),
                    peer.name(),
                )
                .await?;
                self.connect_at(&peer, SocketAddr::new(host_ip, port)).await
            }
        }
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
        let (stream, peer_info) = self.handshake(stream, peer).await?;
        Ok(Connection::start_tcp(
            stream,
            peer_info,
            self.inner.connection,
        ))
    }

    async fn handshake<S: Stream>(
        &self,
        stream: S,
        peer: &NodeName,
    ) -> Result<(S, handshake::Peer), DistError> {
        let (stream, peer_info) = handshake::initiate(
            stream,
            &self.inner.identity,
            peer,
            self.inner.handshake_timeout,
        )
        .await
        .inspect_err(|e| match e {
            // Two nodes connecting to each other at once: one attempt is meant to lose.
            HandshakeError::Refused { status, .. } if status.starts_with("nok") => {
                tracing::debug!(peer = %peer, "connection refused: {e}")
            }
            _ => tracing::warn!(peer = %peer, "connection refused: {e}"),
        })?;
        tracing::debug!(peer = %peer, "connected");
        Ok((stream, peer_info))
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

/// What every accepted connection needs.
struct Acceptor {
    identity: Identity,
    options: ConnectionOptions,
    limit: Duration,
    admission: Arc<OnceLock<AdmissionRule>>,
    incoming: mpsc::UnboundedSender<Result<Connection, DistError>>,
}

impl Acceptor {
    /// Runs the accepting side of a handshake on `stream` in a task of its own, and hands the
    /// connection (or the handshake's error, logged) to [`DistNode::accept`].
    fn admit<S: Stream>(
        &self,
        stream: S,
        from: String,
        start: fn(S, handshake::Peer, ConnectionOptions) -> Connection,
    ) {
        let identity = self.identity.clone();
        let incoming = self.incoming.clone();
        let admission = self.admission.clone();
        let (options, limit) = (self.options, self.limit);
        tokio::spawn(async move {
            let admit = |peer: &Atom| match admission.get() {
                Some(rule) => rule(peer),
                None => Admission::Accept,
            };
            let result = match handshake::accept_with(stream, &identity, limit, admit).await {
                Ok((stream, peer)) => {
                    tracing::debug!(peer = peer.name.as_str(), %from, "accepted a connection");
                    Ok(start(stream, peer, options))
                }
                Err(e) => {
                    match &e {
                        HandshakeError::CookieMismatch { peer } => tracing::warn!(
                            %from,
                            "** Connection attempt from node {peer} rejected: invalid challenge reply (a cookie that differs) **"
                        ),
                        HandshakeError::Refused { .. } => {
                            tracing::debug!(%from, "refused a simultaneous connection: {e}")
                        }
                        other => tracing::warn!(%from, "refused a connection: {other}"),
                    }
                    Err(DistError::Handshake(e))
                }
            };
            let _ = incoming.send(result);
        });
    }
}

async fn accept_loop(listener: TcpListener, acceptor: Acceptor) {
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
        acceptor.admit(stream, addr.to_string(), Connection::start_tcp);
    }
}

async fn accept_pipes(mut pipes: mpsc::UnboundedReceiver<DuplexStream>, acceptor: Acceptor) {
    while let Some(pipe) = pipes.recv().await {
        acceptor.admit(pipe, "memory".to_string(), Connection::start);
    }
}
