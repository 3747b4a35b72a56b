//! What a program calls to take part in a cluster: give a [`Node`] a name
//! ([`Node::start_distributed`], [`Node::distribute`]), list and drop connections
//! ([`nodes`], [`Node::disconnect`]), watch nodes ([`monitor_node`]), [`ping`] them, and turn
//! pids into terms and back.
//!
//! Uses the distribution runtime ([`super::runtime`]), the wire's node ([`super::node`]), the
//! process layer (the current process), the node, pids and terms.

use crate::atom::Atom;
use crate::node::Node;
use crate::pid::Pid;
use crate::process::{self, Timeout, node_in_scope, with_current};
use crate::term::{ExternalPid, FromTerm, IntoTerm, Term, TermError};

use super::Cookie;
use super::node::{DistError, DistNode, DistNodeBuilder};
use super::runtime::{CallFailure, Callee, Distribution};

/// A node that talks to other nodes.
impl Node {
    /// A fresh node named `name` (`"rust@127.0.0.1"`) that talks to the nodes that share its
    /// `cookie`: `erl -name rust@127.0.0.1 -setcookie secret` for a Rust program. It registers
    /// with the EPMD of its host (starting `epmd -daemon` when none runs), accepts the
    /// connections of other nodes, Erlang's or Rust's, and connects to a node the first time
    /// one of its processes sends it something, links to or monitors one of its processes, or
    /// calls it. Then `{name, node}` addresses a process there ([`crate::Name::remote`]), its
    /// pids are [`Pid`]s here, and links, monitors, exit signals and GenServer calls cross
    /// over (see [`crate::dist`]).
    ///
    /// # A hidden node
    ///
    /// The node is *hidden*, as a C node or `erl -hidden` is: it connects only to the nodes it
    /// talks to, and BEAM nodes list it in `Node.list(:hidden)`, not in `Node.list()`. A normal
    /// node would owe its peers more: connections to every node they know (a fully connected
    /// cluster), a share in `:global`'s name registry and locks, the `:rex` server that
    /// answers `:rpc.call/4` and `:erpc`, spawning processes on request (`Node.spawn/2`), and
    /// the `net_kernel` that answers more than the `is_auth` question `Node.ping/1` asks. None
    /// of that is done here: `:rpc.call(rust_node, ...)` from `iex` fails with
    /// `{:badrpc, :nodedown}`-like errors, and `{:global, name}` names a process of this node
    /// only.
    ///
    /// ```no_run
    /// use otp_core::dist::Cookie;
    /// use otp_core::{Name, Node, process, term::Term};
    ///
    /// # async fn demo() -> Result<(), otp_core::dist::DistError> {
    /// let node = Node::start_distributed("rust@127.0.0.1", Cookie::new("secret")).await?;
    /// assert_eq!(node.name(), "rust@127.0.0.1");
    /// node.run(async {
    ///     // Elixir: send({:inbox, :"erl@127.0.0.1"}, :hello)
    ///     let inbox = Name::remote("inbox", "erl@127.0.0.1");
    ///     process::send_named(&inbox, Term::atom("hello")).unwrap();
    /// })
    /// .await
    /// .unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_distributed(name: &str, cookie: Cookie) -> Result<Node, DistError> {
        let node = Node::new();
        node.distribute(DistNode::builder(name, cookie)).await?;
        Ok(node)
    }

    /// Gives this node a name and a cookie, with the options of `builder` (an in-memory
    /// network, a `net_ticktime`, peers' addresses...): what [`Node::start_distributed`] does
    /// with the defaults. [`DistError::AlreadyDistributed`] if the node has a name already.
    ///
    /// ```
    /// use otp_core::dist::{Cookie, DistNode, MemoryNetwork};
    /// use otp_core::term::Term;
    /// use otp_core::{Mailbox, Name, Node, Received, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Two nodes in one program, on an in-memory network.
    /// let net = MemoryNetwork::new();
    /// let (a, b) = (Node::new(), Node::new());
    /// a.distribute(DistNode::builder("a@memory", Cookie::new("secret")).memory(&net)).await.unwrap();
    /// b.distribute(DistNode::builder("b@memory", Cookie::new("secret")).memory(&net)).await.unwrap();
    ///
    /// let (tx, rx) = tokio::sync::oneshot::channel();
    /// let inbox = a.spawn(move |mut inbox: Mailbox<Term>| async move {
    ///     if let Received::Msg(term) = inbox.receive().await {
    ///         let _ = tx.send(term);
    ///     }
    /// });
    /// a.run(async move { process::register("inbox", &inbox).unwrap() }).await.unwrap();
    /// b.run(async {
    ///     // Elixir, on b: send({:inbox, :"a@memory"}, :hello)
    ///     process::send_named(&Name::remote("inbox", "a@memory"), Term::atom("hello")).unwrap();
    /// })
    /// .await
    /// .unwrap();
    /// assert_eq!(rx.await.unwrap(), Term::atom("hello"));
    /// assert_eq!(b.nodes(), ["a@memory"]);
    /// # });
    /// ```
    pub async fn distribute(&self, builder: DistNodeBuilder) -> Result<(), DistError> {
        if self.is_distributed() {
            return Err(DistError::AlreadyDistributed);
        }
        let wire = builder.start().await?;
        Distribution::start(self, wire).map(|_| ())
    }

    /// Where other nodes connect to this node: its listening socket (`None` when it is not
    /// distributed, or on an in-memory network). With EPMD, peers find it by name; without,
    /// give it to them ([`DistNodeBuilder::peer_address`]).
    pub fn listen_address(&self) -> Option<std::net::SocketAddr> {
        let dist = Distribution::of(self)?;
        let wire = dist.wire();
        (wire.port() != 0).then(|| wire.local_addr())
    }

    /// The nodes this node is connected to, sorted (Elixir's `Node.list(:connected)`; every
    /// one of them is hidden from the BEAM's point of view, see [`Node::start_distributed`]).
    ///
    /// ```
    /// assert!(otp_core::Node::new().nodes().is_empty());
    /// ```
    pub fn nodes(&self) -> Vec<Atom> {
        Distribution::of(self)
            .map(|dist| dist.nodes())
            .unwrap_or_default()
    }

    /// `Node.disconnect/1`: closes the connection to `node`. The links of local processes to
    /// its processes break with `:noconnection`, monitors of them fire with `:noconnection`,
    /// calls to them fail with `{:nodedown, node}`. `false` if it was not connected. The next
    /// message to that node connects again.
    ///
    /// ```
    /// assert!(!otp_core::Node::new().disconnect("nobody@127.0.0.1"));
    /// ```
    pub fn disconnect(&self, node: impl Into<Atom>) -> bool {
        let node = node.into();
        Distribution::of(self).is_some_and(|dist| dist.disconnect(&node))
    }

    /// The pid a pid off the wire names here: a process of this node, or a process of another
    /// node (the same [`Pid`] every time it is seen), or a dead process of this node. `None`
    /// for a pid of another node when this node is not distributed.
    ///
    /// ```
    /// use otp_core::term::ExternalPid;
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let pid = node.spawn(|_inbox: Mailbox<()>| std::future::pending()).pid();
    /// let external = node.external_pid(&pid);
    /// assert_eq!(external.to_string(), "#PID<nonode@nohost.100.0>");
    /// assert_eq!(node.pid_of(&external), Some(pid));
    /// # });
    /// ```
    pub fn pid_of(&self, pid: &ExternalPid) -> Option<Pid> {
        match Distribution::of(self) {
            Some(dist) => dist.pid_of(pid),
            None if pid.node == "nonode@nohost" => {
                let id = (u64::from(pid.serial) << 32) | u64::from(pid.id);
                self.process(id)
            }
            None => None,
        }
    }

    /// A pid as the external term format carries it: this node's name, the process's id and
    /// serial, and this node's creation (`nonode@nohost` and 0 before the node is
    /// distributed).
    pub fn external_pid(&self, pid: &Pid) -> ExternalPid {
        match Distribution::of(self) {
            Some(dist) => dist.external(pid),
            None => match pid.remote_pid() {
                Some(external) => external.clone(),
                None => {
                    let id = pid.id();
                    // id and serial: the two halves of the number.
                    ExternalPid::new("nonode@nohost", id as u32, (id >> 32) as u32, 0)
                }
            },
        }
    }
}

/// The nodes the calling process's node is connected to (see [`Node::nodes`]).
///
/// # Panics
/// Outside a process.
pub fn nodes() -> Vec<Atom> {
    process::current_node().nodes()
}

/// `monitor_node(node, true)`: the calling process gets [`Received::NodeDown`] (a GenServer,
/// [`Info::NodeDown`]) when the connection to `node` is lost or cannot be made; it connects
/// if need be, as on the BEAM. Each call with `true` adds a monitor, which fires once; `false`
/// removes one. Returns `false` when this node is not distributed.
///
/// [`Received::NodeDown`]: crate::process::Received::NodeDown
/// [`Info::NodeDown`]: crate::gen_server::Info::NodeDown
///
/// # Panics
/// Outside a process.
pub fn monitor_node(node: impl Into<Atom>, on: bool) -> bool {
    let me = process::self_pid();
    match Distribution::of(&me.node()) {
        Some(dist) => {
            dist.monitor_node(&me, &node.into(), on);
            true
        }
        None => false,
    }
}

/// What [`ping`] found: Elixir's `:pong` and `:pang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ping {
    /// The node answered.
    Pong,
    /// It did not: no connection could be made, or it did not answer in time.
    Pang,
}

/// `Node.ping/1`: connects to `node` if need be and asks its `net_kernel` whether this node
/// may talk to it, as the BEAM does. Any node answers, Erlang's or Rust's.
///
/// # Panics
/// Outside a process.
pub async fn ping(node: impl Into<Atom>) -> Ping {
    let node = node.into();
    let me = process::self_pid();
    let Some(dist) = Distribution::of(&me.node()) else {
        return Ping::Pang;
    };
    if node == *dist.name() {
        return Ping::Pong;
    }
    let request = Term::tuple([Term::atom("is_auth"), Term::Atom(dist.name().clone())]);
    let callee = Callee::Name(Atom::from("net_kernel"), node);
    match dist
        .call(Some(&me), callee, request, Timeout::millis(7000))
        .await
    {
        Ok(answer) if answer.is_atom("yes") => Ping::Pong,
        _ => Ping::Pang,
    }
}

/// A pid as a term: `Term::Pid` with this node's name (see [`Node::external_pid`]).
impl IntoTerm for Pid {
    fn into_term(self) -> Term {
        Term::Pid(self.node().external_pid(&self))
    }
}

/// A pid read from a term, inside a process (or while a message from another node is being
/// delivered): a pid of another node becomes its [`Pid`] here.
impl FromTerm for Pid {
    fn from_term(term: Term) -> Result<Self, TermError> {
        let Term::Pid(pid) = &term else {
            return Err(TermError::new("a pid", &term));
        };
        let Some(node) = node_in_scope() else {
            return Err(TermError::new(
                "a pid, read inside a process of the node it is for",
                &term,
            ));
        };
        node.pid_of(pid)
            .ok_or_else(|| TermError::new("a pid of this node (it is not distributed)", &term))
    }
}

/// A call from the current process (or from no process), as the GenServer client makes one.
pub(crate) async fn call_term(
    node: &Node,
    callee: Callee,
    request: Term,
    timeout: Timeout,
) -> Result<Term, CallFailure> {
    let Some(dist) = Distribution::of(node) else {
        return Err(CallFailure::NotDistributed);
    };
    let me = with_current(|p| p.cloned());
    dist.call(me.as_ref(), callee, request, timeout).await
}
