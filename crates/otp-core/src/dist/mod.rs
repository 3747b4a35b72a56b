//! Erlang distribution: nodes that talk to each other, Erlang's and Rust's alike, in the
//! BEAM's own protocol.
//!
//! Behind the `dist` cargo feature. A [`Node`](crate::Node) given a name and a cookie
//! ([`Node::start_distributed`](crate::Node::start_distributed)) is what `erl -name rust@host
//! -setcookie secret` starts: it registers with EPMD, accepts connections, and connects to a
//! node the first time one of its processes talks to it. From then on, processes of both
//! nodes deal with each other as they would on one node:
//!
//! | Elixir                                    | here                                          |
//! |-------------------------------------------|-----------------------------------------------|
//! | `iex --name rust@127.0.0.1 --cookie secret` | [`Node::start_distributed`](crate::Node::start_distributed)`("rust@127.0.0.1", Cookie::new("secret"))` |
//! | `send({:inbox, node}, msg)`               | [`process::send_named`](crate::process::send_named)`(&Name::remote("inbox", node), term)` |
//! | `send(pid, msg)` to a pid of another node | [`process::send_term`](crate::process::send_term)`(&pid, term)` |
//! | `GenServer.call({:superman, node}, :say)` | [`gen_server::call`](crate::gen_server::call)`(("superman", node), Say)` |
//! | `Process.link/1`, `Process.monitor/1`, `Process.exit/2` on a remote pid | the same functions, on the same [`Pid`](crate::Pid) type |
//! | `Node.monitor(node, true)`                | [`monitor_node`]`(node, true)`                 |
//! | `Node.list(:connected)`, `Node.disconnect/1`, `Node.ping/1` | [`nodes`], [`Node::disconnect`](crate::Node::disconnect), [`ping`] |
//!
//! A message that crosses is a [`Term`](crate::term::Term): a process whose messages are terms
//! takes it as it is, a typed mailbox converts it
//! ([`Mailbox::accept_terms`](crate::Mailbox::accept_terms)), and a GenServer opts in with
//! [`GenServer::remote`](crate::gen_server::GenServer::remote). A pid of another node prints as
//! the BEAM prints it, `#PID<N.id.serial>`, `N` numbering that node here. When a connection is
//! lost, the links and monitors across it break with `:noconnection`, calls through it fail
//! with `{:nodedown, node}`, and node monitors fire, as on the BEAM.
//!
//! Below that runtime, the protocol itself, usable on its own:
//!
//! | step                | here                                                  |
//! |---------------------|-------------------------------------------------------|
//! | name service        | [`epmd`]: register with EPMD (starting `epmd -daemon` when none runs), look a peer's port up |
//! | connection setup    | [`handshake`]: the OTP 23+ handshake (protocol 6), the cookie proven both ways |
//! | connection          | [`Connection`]: framed messages, `net_ticktime` ticks |
//! | messages and signals| [`ControlMessage`]: `SEND`, `REG_SEND`, `LINK`, `EXIT`, monitors, aliases, ... |
//! | values              | [`crate::term`]: the terms messages carry, and their encoding |
//! | the node            | [`DistNode`]: a listener, `accept`, `connect`; or an in-memory network ([`MemoryNetwork`]) |
//!
//! ```no_run
//! use otp_core::dist::{ControlMessage, Cookie, DistNode};
//! use otp_core::term::Term;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let node = DistNode::builder("rust@127.0.0.1", Cookie::new("secret")).start().await?;
//! // In erl -name erl@127.0.0.1 -setcookie secret:
//! //   {inbox, 'rust@127.0.0.1'} ! {self(), hello}.
//! let mut connection = node.accept().await?;
//! if let ControlMessage::RegSend { to, message, .. } = connection.recv().await? {
//!     assert_eq!(to, "inbox");
//!     if let Some([Term::Pid(sender), greeting]) = message.as_tuple() {
//!         // Erlang: Sender ! {reply, hello}
//!         connection.send(&ControlMessage::Send {
//!             from: Some(node.make_pid()),
//!             to: sender.clone(),
//!             message: Term::tuple([Term::atom("reply"), greeting.clone()]),
//!             token: None,
//!         })?;
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # A hidden node, and what the BEAM does that this does not (yet)
//!
//! This node is *hidden*: it does not advertise `DFLAG_PUBLISHED`, so BEAM nodes list it in
//! `nodes(hidden)`, not `nodes()`, and do not make it part of their fully connected mesh. A
//! normal node would owe more, none of which is done here:
//!
//! - connections to every node its peers know (transitive connections);
//! - a share in `:global`'s name registry and locks (`{:global, name}` names a process of this
//!   node only);
//! - the `:rex` server that answers `:rpc.call/4` and `:erpc`, and spawning processes on request
//!   (`Node.spawn/2`, `DFLAG_SPAWN`);
//! - a `net_kernel` that answers more than `is_auth`, the question `Node.ping/1` asks (which is
//!   answered).
//!
//! Beyond a hidden node's duties, the BEAM also has: the atom cache and fragmented messages
//! (faster and bounded for large messages; not advertised here, so peers never send them); the
//! `alive` status that lets a restarted node take over a connection the other side still
//! believes up (here a new dial of a connected node is accepted and replaces the old
//! connection when the peer restarted; a half-open connection waits for `net_ticktime`);
//! `dist_buf_busy_limit`, which makes a sender wait when a connection's queue is full (here the
//! queue is unbounded, like a mailbox); and `:sys` requests to a GenServer of another node
//! (dropped and logged here).
//!
//! # What is advertised
//!
//! The flags a node advertises decide what its peers send. This node advertises
//! [`Flags::ADVERTISED`]: everything OTP 25 and 26 require, plus monitors, `SEND_SENDER`, exit
//! payloads, the `UNLINK_ID` link protocol and aliases, each of which it reads. It does not
//! advertise the atom cache, fragments or spawn requests, so peers never send those.

mod cluster;
mod connection;
mod control;
pub mod epmd;
mod flags;
pub mod handshake;
mod node;
mod runtime;
mod shadow;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

pub(crate) use cluster::call_term;
pub use cluster::{Ping, monitor_node, nodes, ping};
pub use connection::{
    CloseReason, Connection, ConnectionOptions, ConnectionSender, PASS_THROUGH, SendError,
};
pub use control::{ControlError, ControlMessage, ProcessRef};
pub use flags::Flags;
pub use handshake::{Admission, HandshakeError, Identity, Peer};
pub use node::{AdmissionRule, DistError, DistNode, DistNodeBuilder, MemoryNetwork};
pub(crate) use runtime::{CallFailure, Callee, Distribution};

/// A node name: `name@host`.
///
/// ```
/// use otp_core::dist::NodeName;
///
/// let name: NodeName = "rust@127.0.0.1".parse().unwrap();
/// assert_eq!((name.name(), name.host()), ("rust", "127.0.0.1"));
/// assert_eq!(name.to_string(), "rust@127.0.0.1");
/// assert!("no_host".parse::<NodeName>().is_err());
/// assert!("@host".parse::<NodeName>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NodeName {
    full: Arc<str>,
    at: usize,
}

impl NodeName {
    /// The part before `@`.
    pub fn name(&self) -> &str {
        &self.full[..self.at]
    }

    /// The part after `@`.
    pub fn host(&self) -> &str {
        &self.full[self.at + 1..]
    }
}

/// A node name that is not `name@host`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a node name of the form name@host (each part non-empty, at most 255 bytes in all)"
)]
pub struct NodeNameError(String);

impl FromStr for NodeName {
    type Err = NodeNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.find('@') {
            Some(at) if at > 0 && at + 1 < s.len() && s.len() <= 255 => Ok(NodeName {
                full: Arc::from(s),
                at,
            }),
            _ => Err(NodeNameError(s.to_string())),
        }
    }
}

impl fmt::Display for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

impl fmt::Debug for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

/// The shared secret of a cluster: nodes connect only when they know the same cookie. It is
/// never printed, not even by `Debug`.
///
/// ```
/// use otp_core::dist::Cookie;
/// assert_eq!(format!("{:?}", Cookie::new("secret")), "Cookie(..)");
/// ```
#[derive(Clone)]
pub struct Cookie(Arc<str>);

impl Cookie {
    /// A cookie with this text (`-setcookie secret`).
    pub fn new(text: impl AsRef<str>) -> Self {
        Cookie(Arc::from(text.as_ref()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cookie(..)")
    }
}
