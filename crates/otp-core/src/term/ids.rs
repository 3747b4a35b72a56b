//! Pids, references and ports as the external term format carries them: plain data naming a
//! node and numbers on it.

use std::fmt;

use crate::atom::Atom;

/// A process identifier as it travels between nodes: the node's name, the process's id and
/// serial on that node, and the node's creation (which incarnation of the node it belongs to).
///
/// This is plain data: it names a process, it does not hold one. Elixir prints a pid as
/// `#PID<N.id.serial>` where `N` is the index the printing node gave the pid's node; plain data
/// has no such table, so it prints the node's name in that place.
///
/// ```
/// use otp_core::term::ExternalPid;
///
/// let pid = ExternalPid::new("erl@127.0.0.1", 85, 0, 1_700_000_000);
/// assert_eq!(pid.to_string(), "#PID<erl@127.0.0.1.85.0>");
/// assert_eq!(pid.node.as_str(), "erl@127.0.0.1");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternalPid {
    /// The node the process runs on: `:"erl@127.0.0.1"`.
    pub node: Atom,
    /// The process's number on its node: the middle number of `#PID<0.85.0>`.
    pub id: u32,
    /// The last number of `#PID<0.85.0>`: grows when a node has used up its ids.
    pub serial: u32,
    /// The incarnation of the node: a node restarted with the same name has a new creation,
    /// so pids of its previous life never match its new processes.
    pub creation: u32,
}

impl ExternalPid {
    /// A pid of process `id`/`serial` on `node` in its incarnation `creation`.
    ///
    /// ```
    /// use otp_core::term::{ExternalPid, Term};
    ///
    /// let pid = ExternalPid::new("rust@127.0.0.1", 100, 0, 1);
    /// assert_eq!(Term::Pid(pid.clone()).to_string(), "#PID<rust@127.0.0.1.100.0>");
    /// assert_eq!(pid.id, 100);
    /// ```
    pub fn new(node: impl Into<Atom>, id: u32, serial: u32, creation: u32) -> Self {
        ExternalPid {
            node: node.into(),
            id,
            serial,
            creation,
        }
    }
}

impl fmt::Display for ExternalPid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#PID<{}.{}.{}>",
            self.node.as_str(),
            self.id,
            self.serial
        )
    }
}

impl fmt::Debug for ExternalPid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A reference as it travels between nodes: the node that made it, that node's creation, and
/// up to five 32-bit words (three for an ordinary `make_ref()`).
///
/// Elixir prints `#Reference<N.w2.w1.w0>`, the words most significant first; like
/// [`ExternalPid`], plain data prints the node's name where `N` would be.
///
/// ```
/// use otp_core::term::ExternalRef;
///
/// let reference = ExternalRef::new("erl@127.0.0.1", 3, vec![1, 2, 3]);
/// assert_eq!(reference.to_string(), "#Reference<erl@127.0.0.1.3.2.1>");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternalRef {
    /// The node that made the reference.
    pub node: Atom,
    /// That node's incarnation.
    pub creation: u32,
    /// The reference's words, least significant first, as the external format orders them.
    pub id: Vec<u32>,
}

impl ExternalRef {
    /// A reference made by `node` in its incarnation `creation`, with the given words.
    ///
    /// ```
    /// use otp_core::term::ExternalRef;
    ///
    /// let a = ExternalRef::new("rust@127.0.0.1", 1, vec![7, 0, 0]);
    /// let b = ExternalRef::new("rust@127.0.0.1", 1, vec![7, 0, 0]);
    /// assert_eq!(a, b, "the same words on the same node: the same reference");
    /// ```
    pub fn new(node: impl Into<Atom>, creation: u32, id: Vec<u32>) -> Self {
        ExternalRef {
            node: node.into(),
            creation,
            id,
        }
    }
}

impl fmt::Display for ExternalRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Reference<{}", self.node.as_str())?;
        for word in self.id.iter().rev() {
            write!(f, ".{word}")?;
        }
        f.write_str(">")
    }
}

impl fmt::Debug for ExternalRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A port identifier as it travels between nodes. otp-core has no ports; this type exists so a
/// message from the BEAM that carries one can be read, printed and sent back unchanged.
///
/// ```
/// use otp_core::term::ExternalPort;
///
/// let port = ExternalPort::new("erl@127.0.0.1", 6, 2);
/// assert_eq!(port.to_string(), "#Port<erl@127.0.0.1.6>");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternalPort {
    /// The node the port belongs to.
    pub node: Atom,
    /// The port's number on its node.
    pub id: u64,
    /// That node's incarnation.
    pub creation: u32,
}

impl ExternalPort {
    /// Port `id` on `node` in its incarnation `creation`.
    ///
    /// ```
    /// use otp_core::term::ExternalPort;
    /// assert_eq!(ExternalPort::new("erl@127.0.0.1", 6, 2).id, 6);
    /// ```
    pub fn new(node: impl Into<Atom>, id: u64, creation: u32) -> Self {
        ExternalPort {
            node: node.into(),
            id,
            creation,
        }
    }
}

impl fmt::Display for ExternalPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Port<{}.{}>", self.node.as_str(), self.id)
    }
}

impl fmt::Debug for ExternalPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
