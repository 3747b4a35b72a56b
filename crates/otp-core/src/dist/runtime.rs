//! The distribution of a running node: its connections to other nodes, and what turns their
//! control messages into the signals local processes get, and local signals into control
//! messages.
//!
//! A [`Distribution`] belongs to one [`Node`] (see `Node::start_distributed`). It keeps one
//! connection per peer node ([`PeerLink`]), made on first use: a message, link or monitor for
//! a node that is not connected yet waits in the attempt's backlog and goes out, in order, once
//! the handshake is done; if the node cannot be reached, a link or monitor fires with
//! `:noconnection` and a message is dropped, as on the BEAM. Each connection has a task that
//! reads its control messages in order and carries each one out ([`Distribution::dispatch`]).
//!
//! Uses the wire ([`super::node`], [`super::connection`], [`super::control`]), the shadows of
//! remote processes ([`super::shadow`]), the process layer's signals, the node, pids and terms.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use tokio::sync::{Notify, oneshot};

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::node::{Distributed, Node, WeakNode, remote_node_id};
use crate::pid::Pid;
use crate::process::{
    Timeout, add_monitor, deliver_exit_signal, fire_monitor, is_linked, link_pair, notify_exit,
    remove_monitor, unlink_pair,
};
use crate::signal::SignalKind;
use crate::sync::{lock, read, write};
use crate::term::{ExternalPid, ExternalRef, FromTerm, IntoTerm, Term};

use super::connection::{Connection, ConnectionSender, SendError};
use super::control::{ControlMessage, ProcessRef};
use super::handshake::{Admission, HandshakeError};
use super::node::{DistError, DistNode};
use super::shadow::{Gone, OnFail, Shadow, Wire, remote_id, shadow_pid};

/// The distribution of one node. See the [module documentation](self).
pub(crate) struct Distribution {
    me: Weak<Distribution>,
    node: WeakNode,
    wire: DistNode,
    name: Atom,
    creation: u32,
    /// The sender of what this node's `net_kernel` answers.
    kernel: ExternalPid,
    peers: RwLock<HashMap<Atom, Arc<PeerLink>>>,
    connecting: Mutex<HashMap<Atom, Attempt>>,
    next_attempt: AtomicU64,
    /// Every shadow of a remote process, so each remote pid is one `Pid` here.
    shadows: Mutex<Shadows>,
    /// The `N` of `#PID<N.id.serial>`: nodes in the order this node first saw them.
    indexes: Mutex<Vec<Atom>>,
    /// Monitors remote processes hold on local ones.
    watches: Mutex<Watches>,
    /// Calls waiting for a reply, by the reference that is both their alias and their
    /// monitor.
    pending: Mutex<HashMap<u64, Pending>>,
    /// `monitor_node`: one entry per call that turned a monitor on.
    node_monitors: Mutex<HashMap<Atom, Vec<Pid>>>,
    /// Unlinks not yet acknowledged: (local id, remote node key, remote id) to the unlink id.
    unlinking: Mutex<HashMap<(u64, u64, u64), u64>>,
    next_unlink: AtomicU64,
    accept_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// A live connection to a peer node.
pub(crate) struct PeerLink {
    node: Atom,
    /// The peer's incarnation.
    creation: u32,
    sender: ConnectionSender,
    closed: AtomicBool,
}

/// A connection under way, and what waits for it.
struct Attempt {
    id: u64,
    /// This node is dialing; `false` while it accepts the peer's own dial.
    dialing: bool,
    /// The dialing task, stopped when the peer's own dial is accepted instead: its handshake
    /// must not complete too.
    dial: Option<tokio::task::AbortHandle>,
    backlog: Vec<(ControlMessage, Option<OnFail>)>,
    resolved: Arc<Notify>,
}

#[derive(Default)]
struct Shadows {
    by_key: HashMap<(u64, u64), Weak<Shadow>>,
    /// The size at which dead entries are swept next.
    sweep_at: usize,
}

/// A local process's monitor held by a remote process.
struct Watch {
    /// The reference the remote node chose.
    theirs: ExternalRef,
    /// The monitored process as the monitor named it: what its `DOWN` names.
    named: ProcessRef,
    watcher: ExternalPid,
    target: Pid,
}

#[derive(Default)]
struct Watches {
    by_local: HashMap<u64, Watch>,
    by_theirs: HashMap<ExternalRef, u64>,
}

struct Pending {
    node: Atom,
    tx: oneshot::Sender<CallEvent>,
}

/// How a remote call ended, before its reply is read.
enum CallEvent {
    Reply(Term),
    Down(ExitReason),
    NodeDown(Atom),
}

/// The process a remote call goes to.
pub(crate) enum Callee {
    /// A process of another node.
    Pid(Pid),
    /// A registered name on a node: `{name, node}`.
    Name(Atom, Atom),
}

/// Why a remote call got no reply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CallFailure {
    /// No process (or no process under that name) on that node.
    NoProc,
    /// The process exited before it replied.
    Exit(ExitReason),
    /// The connection to the node was lost, or could not be made.
    NodeDown(Atom),
    /// No reply in time.
    Timeout,
    /// This node is not distributed, or is shutting down.
    NotDistributed,
}

impl Distribution {
    /// Starts the distribution of `node` with `wire`'s name and cookie.
    pub(crate) fn start(node: &Node, wire: DistNode) -> Result<Arc<Distribution>, DistError> {
        let name = wire.name().clone();
        let creation = wire.creation();
        let kernel_id = node.next_pid();
        let dist = Arc::new_cyclic(|me| Distribution {
            me: me.clone(),
            node: node.downgrade(),
            kernel: ExternalPid::new(
                name.clone(),
                kernel_id as u32, // pid numbers stay far below 2^32 in practice
                (kernel_id >> 32) as u32,
                creation,
            ),
            wire,
            name,
            creation,
            peers: RwLock::default(),
            connecting: Mutex::default(),
            next_attempt: AtomicU64::new(1),
            shadows: Mutex::default(),
            indexes: Mutex::default(),
            watches: Mutex::default(),
            pending: Mutex::default(),
            node_monitors: Mutex::default(),
            unlinking: Mutex::default(),
            next_unlink: AtomicU64::new(1),
            accept_task: Mutex::new(None),
        });
        if !node.set_distribution(dist.clone()) {
            return Err(DistError::AlreadyDistributed);
        }
        let weak = Arc::downgrade(&dist);
        dist.wire
            .set_admission(Arc::new(move |peer: &Atom| match weak.upgrade() {
                Some(dist) => dist.admit(peer),
                None => Admission::Accept,
            }));
        let weak = Arc::downgrade(&dist);
        let wire = dist.wire.clone();
        let task = tokio::spawn(async move {
            loop {
                let accepted = wire.accept().await;
                let Some(dist) = weak.upgrade() else { break };
                match accepted {
                    Ok(connection) => dist.install(connection, false),
                    Err(DistError::Io(_)) => break,
                    // A handshake that failed: logged where it happened.
                    Err(_) => {}
                }
            }
        });
        *lock(&dist.accept_task) = Some(task);
        Ok(dist)
    }

    /// The distribution of `node`, if it has one.
    pub(crate) fn of(node: &Node) -> Option<Arc<Distribution>> {
        node.distribution()?
            .as_any()
            .downcast_ref::<Distribution>()?
            .me
            .upgrade()
    }

    pub(crate) fn name(&self) -> &Atom {
        &self.name
    }

    /// The node on the wire.
    pub(crate) fn wire(&self) -> &DistNode {
        &self.wire
    }

    /// The nodes connected now, sorted.
    pub(crate) fn nodes(&self) -> Vec<Atom> {
        let mut nodes: Vec<Atom> = read(&self.peers).keys().cloned().collect();
        nodes.sort();
        nodes
    }

    // -----------------------------------------------------------------------------------------
    // Pids and references, both ways

    /// A pid as the wire carries it.
    pub(crate) fn external(&self, pid: &Pid) -> ExternalPid {
        match pid.cell.remote() {
            Some(remote) => remote.external().clone(),
            None => {
                let id = pid.id();
                // id and serial: the two halves of the number (see `shadow::remote_id`).
                ExternalPid::new(
                    self.name.clone(),
                    id as u32,
                    (id >> 32) as u32,
                    self.creation,
                )
            }
        }
    }

    /// Process number `id` of this node as the wire carries it.
    pub(crate) fn external_id(&self, id: u64) -> ExternalPid {
        // id and serial: the two halves of the number (see `shadow::remote_id`).
        ExternalPid::new(
            self.name.clone(),
            id as u32,
            (id >> 32) as u32,
            self.creation,
        )
    }

    /// Reference number `n` of this node as the wire carries it: three words, the first of
    /// 18 bits, as the BEAM makes them.
    pub(crate) fn external_ref(&self, n: u64) -> ExternalRef {
        ExternalRef::new(
            self.name.clone(),
            self.creation,
            // Cut into 18, 32 and the remaining 14 bits.
            vec![(n & 0x3_FFFF) as u32, (n >> 18) as u32, (n >> 50) as u32],
        )
    }

    /// The number of a reference this node made in this incarnation.
    fn our_ref(&self, reference: &ExternalRef) -> Option<u64> {
        match reference.id[..] {
            [low, mid, high]
                if reference.node == self.name
                    && reference.creation == self.creation
                    && low <= 0x3_FFFF =>
            {
                Some(u64::from(low) | (u64::from(mid) << 18) | (u64::from(high) << 50))
            }
            _ => None,
        }
    }

    /// The live local process `pid` names, if it is one of this node's, of this incarnation.
    fn local(&self, pid: &ExternalPid) -> Option<Pid> {
        if pid.node != self.name || pid.creation != self.creation {
            return None;
        }
        self.node.upgrade()?.process(remote_id(pid))
    }

    /// The `Pid` for a pid off the wire: the shadow of a remote process (the same one every
    /// time), a local process, or a dead pid of this node. `None` once the node is gone.
    pub(crate) fn pid_of(&self, pid: &ExternalPid) -> Option<Pid> {
        let node = self.node.upgrade()?;
        let id = remote_id(pid);
        if pid.node == self.name {
            if pid.creation == self.creation
                && let Some(local) = node.process(id)
            {
                return Some(local);
            }
            let key = if pid.creation == self.creation {
                node.id()
            } else {
                remote_node_id(&pid.node, pid.creation)
            };
            return Some(Pid {
                cell: Arc::new(Gone::new(node, id, key)),
            });
        }
        let key = remote_node_id(&pid.node, pid.creation);
        let mut shadows = lock(&self.shadows);
        if let Some(shadow) = shadows.by_key.get(&(key, id)).and_then(Weak::upgrade) {
            return Some(shadow_pid(&shadow));
        }
        if shadows.by_key.len() >= shadows.sweep_at {
            shadows.by_key.retain(|_, shadow| shadow.strong_count() > 0);
            shadows.sweep_at = (shadows.by_key.len() * 2).max(64);
        }
        let index = self.index_of(&pid.node);
        let me: Weak<dyn Wire> = self.me.clone();
        let shadow = Arc::new(Shadow::new(node, pid.clone(), key, index, me));
        shadows.by_key.insert((key, id), Arc::downgrade(&shadow));
        Some(shadow_pid(&shadow))
    }

    /// The `N` this node gives `node` in printed pids: 1 for the first node it saw, and so on.
    fn index_of(&self, node: &Atom) -> u32 {
        let mut indexes = lock(&self.indexes);
        let position = match indexes.iter().position(|n| n == node) {
            Some(i) => i,
            None => {
                indexes.push(node.clone());
                indexes.len() - 1
            }
        };
        // At most one per node ever seen.
        u32::try_from(position + 1).unwrap_or(u32::MAX)
    }

    /// A pid to send as, for code outside any process.
    fn anonymous(&self) -> ExternalPid {
        let id = self.node.upgrade().map(|n| n.next_pid()).unwrap_or(0);
        ExternalPid::new(
            self.name.clone(),
            id as u32,
            (id >> 32) as u32,
            self.creation,
        )
    }

    // -----------------------------------------------------------------------------------------
    // Connections

    /// Sends `message` to `node`, connecting first if need be. `on_fail` runs if the node
    /// cannot be reached (a link or monitor then fires with `:noconnection`).
    pub(crate) fn send_control(
        &self,
        node: &Atom,
        message: ControlMessage,
        on_fail: Option<OnFail>,
    ) {
        if let Some(link) = read(&self.peers).get(node).cloned() {
            link.send(&message, on_fail);
            return;
        }
        let mut connecting = lock(&self.connecting);
        // Looked at again under the lock an attempt's end takes too, so nothing overtakes
        // the backlog.
        if let Some(link) = read(&self.peers).get(node).cloned() {
            drop(connecting);
            link.send(&message, on_fail);
            return;
        }
        match connecting.get_mut(node) {
            Some(attempt) => attempt.backlog.push((message, on_fail)),
            None => {
                let (id, dial) = self.start_attempt(node);
                connecting.insert(
                    node.clone(),
                    Attempt {
                        id,
                        dialing: true,
                        dial: Some(dial),
                        backlog: vec![(message, on_fail)],
                        resolved: Arc::new(Notify::new()),
                    },
                );
            }
        }
    }

    /// Connects to `node` unless it is connected or being connected to.
    pub(crate) fn ensure_connected(&self, node: &Atom) {
        if read(&self.peers).contains_key(node) {
            return;
        }
        let mut connecting = lock(&self.connecting);
        if read(&self.peers).contains_key(node) || connecting.contains_key(node) {
            return;
        }
        let (id, dial) = self.start_attempt(node);
        connecting.insert(
            node.clone(),
            Attempt {
                id,
                dialing: true,
                dial: Some(dial),
                backlog: Vec::new(),
                resolved: Arc::new(Notify::new()),
            },
        );
    }

    /// Starts the task that connects to `node`; the caller records the attempt.
    fn start_attempt(&self, node: &Atom) -> (u64, tokio::task::AbortHandle) {
        let id = self.next_attempt.fetch_add(1, Ordering::Relaxed);
        let (weak, node) = (self.me.clone(), node.clone());
        let wire = self.wire.clone();
        let task = tokio::spawn(async move {
            let result = wire.connect(node.as_str()).await;
            let Some(dist) = weak.upgrade() else { return };
            match result {
                Ok(connection) => dist.install(connection, true),
                Err(DistError::Handshake(HandshakeError::Refused { status, .. }))
                    if status.starts_with("nok") =>
                {
                    // The peer is connecting to this node at the same time and its name wins:
                    // its connection carries the backlog. Wait for it, for a while.
                    let resolved = lock(&dist.connecting)
                        .get(&node)
                        .filter(|a| a.id == id)
                        .map(|a| a.resolved.clone());
                    let Some(resolved) = resolved else { return };
                    let notified = resolved.notified();
                    tokio::pin!(notified);
                    notified.as_mut().enable();
                    let still_waiting = lock(&dist.connecting)
                        .get(&node)
                        .is_some_and(|a| a.id == id);
                    if still_waiting
                        && tokio::time::timeout(wire.handshake_timeout() * 2, notified)
                            .await
                            .is_err()
                    {
                        dist.fail_attempt(&node, id, "the simultaneous connection never came");
                    }
                }
                // Unless the peer's own dial is being accepted meanwhile: that one decides.
                Err(e) if dist.is_dialing(&node, id) => {
                    dist.fail_attempt(&node, id, &e.to_string())
                }
                Err(_) => {}
            }
        });
        (id, task.abort_handle())
    }

    /// `true` while attempt `id` to `node` is this node's own dial.
    fn is_dialing(&self, node: &Atom, id: u64) -> bool {
        lock(&self.connecting)
            .get(node)
            .is_some_and(|a| a.id == id && a.dialing)
    }

    /// What to answer a peer that dials this node, once it has said its name. OTP's rule for
    /// two nodes that dial each other at once: the node whose name is greater refuses (`nok`)
    /// and keeps its own dial; the other accepts and gives its dial up. An accepted dial is
    /// recorded as under way, so that this node does not dial the peer meanwhile, and what
    /// its processes send waits for it.
    fn admit(&self, peer: &Atom) -> Admission {
        let mut connecting = lock(&self.connecting);
        match connecting.get_mut(peer) {
            Some(attempt) if attempt.dialing => {
                if self.name > *peer {
                    Admission::Refuse
                } else {
                    attempt.dialing = false;
                    if let Some(dial) = attempt.dial.take() {
                        dial.abort();
                    }
                    self.watch_accept(peer, attempt.id);
                    Admission::AcceptSimultaneous
                }
            }
            // Accepting one dial of that node already.
            Some(_) => Admission::Refuse,
            None => {
                if !read(&self.peers).contains_key(peer) {
                    let id = self.next_attempt.fetch_add(1, Ordering::Relaxed);
                    connecting.insert(
                        peer.clone(),
                        Attempt {
                            id,
                            dialing: false,
                            dial: None,
                            backlog: Vec::new(),
                            resolved: Arc::new(Notify::new()),
                        },
                    );
                    self.watch_accept(peer, id);
                }
                // Connected already: a new incarnation of the peer (its connection replaces the
                // old one), or a dial that crossed this node's own ([`Distribution::install`]
                // keeps one of the two).
                Admission::Accept
            }
        }
    }

    /// Fails attempt `id` to `peer` if the dial being accepted for it has not installed a
    /// connection within the handshake's time (it failed: a cookie that differs, say).
    fn watch_accept(&self, peer: &Atom, id: u64) {
        let (weak, peer) = (self.me.clone(), peer.clone());
        let limit = self.wire.handshake_timeout() + std::time::Duration::from_secs(1);
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            if let Some(dist) = weak.upgrade() {
                dist.fail_attempt(&peer, id, "its connection's handshake did not finish");
            }
        });
    }

    /// Makes `connection` the link to its node: flushes what waited for it, replaces an older
    /// connection to the same node, and starts reading. `initiated`: this node dialed it.
    fn install(&self, connection: Connection, initiated: bool) {
        let node = connection.peer().name.clone();
        let creation = connection.peer().creation;
        let link = Arc::new(PeerLink {
            node: node.clone(),
            creation,
            sender: connection.sender(),
            closed: AtomicBool::new(false),
        });
        let (replaced, duplicate) = {
            let mut connecting = lock(&self.connecting);
            let mut peers = write(&self.peers);
            match peers.get(&node) {
                // Both nodes dialed and both handshakes got through: keep, on both sides, the
                // connection the node with the greater name dialed, and close the other.
                Some(old) if old.creation == creation && !old.closed.load(Ordering::Acquire) => {
                    let keep_new = initiated == (self.name > node);
                    if keep_new {
                        // The old one ends quietly: nothing was lost, the new one carries on.
                        old.closed.store(true, Ordering::Release);
                        old.sender.close();
                        peers.insert(node.clone(), link.clone());
                        (None, false)
                    } else {
                        (None, true)
                    }
                }
                _ => {
                    if let Some(attempt) = connecting.remove(&node) {
                        for (message, on_fail) in attempt.backlog {
                            link.send(&message, on_fail);
                        }
                        attempt.resolved.notify_waiters();
                    }
                    (peers.insert(node.clone(), link.clone()), false)
                }
            }
        };
        if duplicate {
            link.closed.store(true, Ordering::Release);
            connection.close();
            return;
        }
        if let Some(old) = replaced
            && !old.closed.swap(true, Ordering::AcqRel)
        {
            // The peer connected again while this node still held a connection to it (it
            // restarted, or lost that connection without this node noticing): the old one is
            // over, and what went over it with it.
            old.sender.close();
            self.node_lost(&old, "the node connected again");
        }
        tracing::debug!(target: "otp::dist", node = %self.name, peer = %node, "connected");
        let weak = self.me.clone();
        tokio::spawn(serve(weak, link, connection));
    }

    /// A connection attempt failed: what waited for it fails, with `:noconnection`.
    fn fail_attempt(&self, node: &Atom, id: u64, why: &str) {
        let attempt = {
            let mut connecting = lock(&self.connecting);
            match connecting.get(node) {
                Some(attempt) if attempt.id == id => connecting.remove(node),
                _ => None,
            }
        };
        let Some(attempt) = attempt else { return };
        tracing::warn!(target: "otp::dist", node = %self.name, "cannot connect to {node}: {why}");
        for (_, on_fail) in attempt.backlog {
            if let Some(on_fail) = on_fail {
                on_fail();
            }
        }
        self.node_down(node);
    }

    /// A connection ended: links to processes of that node get `:noconnection`, monitors of
    /// them fire with it, calls to them fail with `{:nodedown, node}`, node monitors fire.
    fn lost(&self, link: &Arc<PeerLink>, why: &str) {
        if link.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let current = {
            let mut peers = write(&self.peers);
            let current = peers.get(&link.node).is_some_and(|l| Arc::ptr_eq(l, link));
            if current {
                peers.remove(&link.node);
            }
            current
        };
        // A connection another one replaced: the node is still connected.
        if current {
            self.node_lost(link, why);
        }
    }

    /// The connection to `link`'s node is over (see [`Distribution::lost`]).
    fn node_lost(&self, link: &PeerLink, why: &str) {
        let node = &link.node;
        tracing::debug!(target: "otp::dist", node = %self.name, peer = %node, "disconnected: {why}");
        let shadows: Vec<Arc<Shadow>> = lock(&self.shadows)
            .by_key
            .values()
            .filter_map(Weak::upgrade)
            .filter(|s| crate::pid::RemoteProcess::external(&**s).node == *node)
            .collect();
        for shadow in shadows {
            let obituary = shadow.core().sever();
            notify_exit(&shadow_pid(&shadow), &ExitReason::NoConnection, obituary);
        }
        {
            let mut watches = lock(&self.watches);
            let gone: Vec<u64> = watches
                .by_local
                .iter()
                .filter(|(_, w)| w.watcher.node == *node)
                .map(|(n, _)| *n)
                .collect();
            for n in gone {
                if let Some(watch) = watches.by_local.remove(&n) {
                    watches.by_theirs.remove(&watch.theirs);
                }
            }
        }
        // Unlinks the peer can no longer acknowledge.
        let peer_key = remote_node_id(node, link.creation);
        lock(&self.unlinking).retain(|(_, key, _), _| *key != peer_key);
        self.node_down(node);
    }

    /// Calls to `node` fail with `{:nodedown, node}`; its node monitors fire.
    fn node_down(&self, node: &Atom) {
        let failed: Vec<Pending> = {
            let mut pending = lock(&self.pending);
            let ns: Vec<u64> = pending
                .iter()
                .filter(|(_, p)| p.node == *node)
                .map(|(n, _)| *n)
                .collect();
            ns.into_iter().filter_map(|n| pending.remove(&n)).collect()
        };
        for call in failed {
            let _ = call.tx.send(CallEvent::NodeDown(node.clone()));
        }
        let watchers = lock(&self.node_monitors).remove(node).unwrap_or_default();
        for watcher in watchers {
            watcher.cell.push_node_down(node.clone());
        }
    }

    /// `Node.disconnect/1`: closes the connection to `node`; `false` if there was none.
    pub(crate) fn disconnect(&self, node: &Atom) -> bool {
        let Some(link) = read(&self.peers).get(node).cloned() else {
            return false;
        };
        link.sender.close();
        self.lost(&link, "disconnected by this node");
        true
    }

    /// `monitor_node(node, on)` for `watcher`.
    pub(crate) fn monitor_node(&self, watcher: &Pid, node: &Atom, on: bool) {
        if *node == self.name {
            return;
        }
        if on {
            lock(&self.node_monitors)
                .entry(node.clone())
                .or_default()
                .push(watcher.clone());
            self.ensure_connected(node);
        } else {
            let mut monitors = lock(&self.node_monitors);
            if let Some(list) = monitors.get_mut(node) {
                if let Some(i) = list.iter().position(|p| p == watcher) {
                    list.remove(i);
                }
                if list.is_empty() {
                    monitors.remove(node);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // What local signals need of the wire

    /// A local process that a remote one monitors, under this node's reference `n`, has
    /// exited: the remote node gets the `DOWN`.
    fn watched_exited(&self, n: u64, reason: ExitReason) {
        let watch = {
            let mut watches = lock(&self.watches);
            let watch = watches.by_local.remove(&n);
            if let Some(watch) = &watch {
                watches.by_theirs.remove(&watch.theirs);
            }
            watch
        };
        if let Some(watch) = watch {
            let message = ControlMessage::MonitorPExit {
                from: watch.named,
                to: watch.watcher.clone(),
                reference: watch.theirs,
                reason: reason.into_term(),
            };
            self.send_if_connected(&watch.watcher.node, &message);
        }
    }

    /// Sends on the current connection to `node`, without connecting: for what only makes
    /// sense on the connection it answers.
    fn send_if_connected(&self, node: &Atom, message: &ControlMessage) {
        if let Some(link) = read(&self.peers).get(node).cloned() {
            link.send(message, None);
        }
    }

    /// Sends `reply` to the caller of a `gen_server` call, tagged with `tag`: through the
    /// caller's alias when the tag is `[:alias | ref]` (OTP 24+), else to its pid.
    pub(crate) fn reply(&self, caller: &ExternalPid, tag: Term, reply: Term, from: ExternalPid) {
        let alias = match &tag {
            Term::ImproperList(head, tail) if head.len() == 1 && head[0].is_atom("alias") => {
                tail.as_reference().cloned()
            }
            _ => None,
        };
        let message = Term::tuple([tag, reply]);
        let message = match alias {
            Some(alias) => ControlMessage::AliasSend {
                from,
                alias,
                message,
                token: None,
            },
            None => ControlMessage::Send {
                from: Some(from),
                to: caller.clone(),
                message,
                token: None,
            },
        };
        self.send_control(&caller.node, message, None);
    }

    // -----------------------------------------------------------------------------------------
    // Calls to other nodes

    /// `gen_server:call` over the wire, as OTP 25 makes it: a monitor of the callee whose
    /// reference is also the caller's alias, the request tagged with `[:alias | ref]`, the
    /// reply through the alias, then the monitor removed. Nothing is left behind: after a
    /// timeout the alias is gone, so a late reply is dropped.
    pub(crate) async fn call(
        &self,
        caller: Option<&Pid>,
        callee: Callee,
        request: Term,
        timeout: Timeout,
    ) -> Result<Term, CallFailure> {
        let Some(node) = self.node.upgrade() else {
            return Err(CallFailure::NotDistributed);
        };
        let n = node.next_ref();
        let alias = self.external_ref(n);
        let me = match caller {
            Some(pid) => self.external(pid),
            None => self.anonymous(),
        };
        let (to_node, target) = match &callee {
            Callee::Pid(pid) => {
                let external = self.external(pid);
                (external.node.clone(), ProcessRef::Pid(external))
            }
            Callee::Name(name, at) => (at.clone(), ProcessRef::Name(name.clone())),
        };
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(
            n,
            Pending {
                node: to_node.clone(),
                tx,
            },
        );
        let monitor = ControlMessage::MonitorP {
            from: me.clone(),
            to: target.clone(),
            reference: alias.clone(),
        };
        self.send_control(&to_node, monitor, None);
        let tag = Term::improper_list([Term::atom("alias")], Term::from(alias.clone()));
        let message = Term::tuple([
            Term::atom("$gen_call"),
            Term::tuple([Term::Pid(me.clone()), tag]),
            request,
        ]);
        let request = match &target {
            ProcessRef::Pid(pid) => ControlMessage::Send {
                from: Some(me.clone()),
                to: pid.clone(),
                message,
                token: None,
            },
            ProcessRef::Name(name) => ControlMessage::RegSend {
                from: me.clone(),
                to: name.clone(),
                message,
                token: None,
            },
        };
        self.send_control(&to_node, request, None);
        let outcome = match timeout.as_duration() {
            Some(limit) => tokio::time::timeout(limit, rx).await.ok(),
            None => Some(rx.await),
        };
        lock(&self.pending).remove(&n);
        let monitor_spent = matches!(
            outcome,
            Some(Ok(CallEvent::Down(_) | CallEvent::NodeDown(_)))
        );
        if !monitor_spent {
            let demonitor = ControlMessage::DemonitorP {
                from: me,
                to: target,
                reference: alias,
            };
            self.send_if_connected(&to_node, &demonitor);
        }
        match outcome {
            Some(Ok(CallEvent::Reply(message))) => match message {
                Term::Tuple(mut pair) if pair.len() == 2 => {
                    Ok(pair.pop().unwrap_or(Term::List(Vec::new())))
                }
                other => Ok(other),
            },
            Some(Ok(CallEvent::Down(ExitReason::NoProc))) => Err(CallFailure::NoProc),
            Some(Ok(CallEvent::Down(ExitReason::NoConnection))) => {
                Err(CallFailure::NodeDown(to_node))
            }
            Some(Ok(CallEvent::Down(reason))) => Err(CallFailure::Exit(reason)),
            Some(Ok(CallEvent::NodeDown(node))) => Err(CallFailure::NodeDown(node)),
            Some(Err(_)) => Err(CallFailure::NodeDown(to_node)),
            None => Err(CallFailure::Timeout),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Control messages in

    /// Carries out one control message from `link`'s node.
    fn dispatch(&self, link: &PeerLink, message: ControlMessage) {
        match message {
            ControlMessage::Send { to, message, .. } => {
                // A reply to a call sent to the caller's pid rather than its alias, tagged
                // with the alias all the same (OTP's net_kernel answers so).
                if let Some(n) = alias_tag(&message).and_then(|r| self.our_ref(r))
                    && let Some(call) = lock(&self.pending).remove(&n)
                {
                    let _ = call.tx.send(CallEvent::Reply(message));
                    return;
                }
                if let Some(target) = self.local(&to) {
                    target.cell.push_term(message);
                }
            }
            ControlMessage::RegSend {
                from, to, message, ..
            } => self.registered_send(link, &from, &to, message),
            ControlMessage::AliasSend { alias, message, .. } => {
                let waiting = self
                    .our_ref(&alias)
                    .and_then(|n| lock(&self.pending).remove(&n));
                // No call waits on a spent alias: a late reply, dropped.
                if let Some(call) = waiting {
                    let _ = call.tx.send(CallEvent::Reply(message));
                }
            }
            ControlMessage::Link { from, to } => {
                let linked = match (self.local(&to), self.pid_of(&from)) {
                    (Some(target), Some(linker)) => link_pair(&target, &linker).is_ok(),
                    _ => false,
                };
                if !linked {
                    link.send(
                        &ControlMessage::Exit {
                            from: to,
                            to: from,
                            reason: Term::atom("noproc"),
                            token: None,
                        },
                        None,
                    );
                }
            }
            ControlMessage::UnlinkId { id, from, to } => {
                if let (Some(target), Some(unlinker)) = (self.local(&to), self.pid_of(&from)) {
                    unlink_pair(&target, &unlinker);
                }
                link.send(
                    &ControlMessage::UnlinkIdAck {
                        id,
                        from: to,
                        to: from,
                    },
                    None,
                );
            }
            ControlMessage::UnlinkIdAck { id, from, to } => {
                let Some(remote) = self.pid_of(&from) else {
                    return;
                };
                let key = (remote_id(&to), remote.node_id(), remote.id());
                let mut unlinking = lock(&self.unlinking);
                if unlinking.get(&key) == Some(&id) {
                    unlinking.remove(&key);
                }
            }
            ControlMessage::Unlink { from, to } => {
                if let (Some(target), Some(unlinker)) = (self.local(&to), self.pid_of(&from)) {
                    unlink_pair(&target, &unlinker);
                }
            }
            ControlMessage::Exit {
                from, to, reason, ..
            } => {
                let (Some(target), Some(linked)) = (self.local(&to), self.pid_of(&from)) else {
                    return;
                };
                let key = (target.id(), linked.node_id(), linked.id());
                // An exit signal sent before the peer saw this node's unlink: dropped.
                if lock(&self.unlinking).contains_key(&key) || !is_linked(&target, &linked) {
                    return;
                }
                unlink_pair(&target, &linked);
                let reason = read_reason(reason);
                deliver_exit_signal(&target, &linked, &reason, SignalKind::Link);
            }
            ControlMessage::Exit2 {
                from, to, reason, ..
            } => {
                if let (Some(target), Some(sender)) = (self.local(&to), self.pid_of(&from)) {
                    let reason = read_reason(reason);
                    let kind = SignalKind::Exit { from_self: false };
                    deliver_exit_signal(&target, &sender, &reason, kind);
                }
            }
            ControlMessage::MonitorP {
                from,
                to,
                reference,
            } => self.monitored(link, from, to, reference),
            ControlMessage::DemonitorP {
                from, reference, ..
            } => {
                let watch = {
                    let mut watches = lock(&self.watches);
                    let n = watches.by_theirs.remove(&reference);
                    n.and_then(|n| watches.by_local.remove(&n).map(|w| (n, w)))
                };
                if let (Some((n, watch)), Some(watcher)) = (watch, self.pid_of(&from)) {
                    remove_monitor(&watcher, &watch.target, n);
                }
            }
            ControlMessage::MonitorPExit {
                from,
                to,
                reference,
                reason,
            } => {
                let Some(n) = self.our_ref(&reference) else {
                    return;
                };
                let reason = read_reason(reason);
                if let Some(call) = lock(&self.pending).remove(&n) {
                    let _ = call.tx.send(CallEvent::Down(reason));
                    return;
                }
                // Monitors by name are made by calls only.
                let (ProcessRef::Pid(target), Some(watcher)) = (from, self.local(&to)) else {
                    return;
                };
                if let Some(target) = self.pid_of(&target) {
                    fire_monitor(&watcher, &target, n, reason);
                }
            }
            ControlMessage::GroupLeader { .. } | ControlMessage::NodeLink => {
                tracing::debug!(target: "otp::dist", "ignored {message:?}");
            }
        }
    }

    /// `send({name, node}, message)` arriving here.
    fn registered_send(&self, link: &PeerLink, from: &ExternalPid, name: &Atom, message: Term) {
        if name == "net_kernel" {
            self.net_kernel(link, from, message);
            return;
        }
        let target = self
            .node
            .upgrade()
            .and_then(|node| node.whereis(name.clone()));
        match target {
            Some(target) => {
                target.cell.push_term(message);
            }
            None => tracing::debug!(
                target: "otp::dist",
                "a message for {name}, which no process here has, was dropped"
            ),
        }
    }

    /// What a hidden node's `net_kernel` owes: the answer to `is_auth`, which `Node.ping/1`
    /// (`net_adm:ping/1`) asks. Everything else sent to it is dropped.
    fn net_kernel(&self, link: &PeerLink, from: &ExternalPid, message: Term) {
        let call = match message.as_tuple() {
            Some([label, caller, request]) if label.is_atom("$gen_call") => {
                match (caller.as_tuple(), request.as_tuple()) {
                    (Some([Term::Pid(caller), tag]), Some([what, _]))
                        if what.is_atom("is_auth") =>
                    {
                        Some((caller.clone(), tag.clone()))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match call {
            Some((caller, tag)) => {
                self.reply(&caller, tag, Term::atom("yes"), self.kernel.clone());
            }
            None => tracing::debug!(
                target: "otp::dist",
                "{}: net_kernel answers only is_auth; dropped {message} from {from}",
                link.node
            ),
        }
    }

    /// `MONITOR_P`: a remote process monitors a local one, by pid or name.
    fn monitored(
        &self,
        link: &PeerLink,
        from: ExternalPid,
        to: ProcessRef,
        reference: ExternalRef,
    ) {
        let target = match &to {
            ProcessRef::Pid(pid) => self.local(pid),
            // The node's net_kernel is always there for is_auth: nothing to watch.
            ProcessRef::Name(name) if name == "net_kernel" => return,
            ProcessRef::Name(name) => self
                .node
                .upgrade()
                .and_then(|node| node.whereis(name.clone())),
        };
        let Some(node) = self.node.upgrade() else {
            return;
        };
        let noproc = ControlMessage::MonitorPExit {
            from: to.clone(),
            to: from.clone(),
            reference: reference.clone(),
            reason: Term::atom("noproc"),
        };
        let Some(target) = target else {
            link.send(&noproc, None);
            return;
        };
        let n = node.next_ref();
        {
            // Recorded before the monitor is set: the target may exit at once.
            let mut watches = lock(&self.watches);
            watches.by_theirs.insert(reference.clone(), n);
            watches.by_local.insert(
                n,
                Watch {
                    theirs: reference.clone(),
                    named: to,
                    watcher: from.clone(),
                    target: target.clone(),
                },
            );
        }
        let set = match self.pid_of(&from) {
            Some(watcher) => add_monitor(&watcher, &target, n),
            None => false,
        };
        if !set {
            let mut watches = lock(&self.watches);
            watches.by_local.remove(&n);
            watches.by_theirs.remove(&reference);
            drop(watches);
            link.send(&noproc, None);
        }
    }
}

/// The alias of a reply `{[:alias | ref], reply}`, if the message is one.
fn alias_tag(message: &Term) -> Option<&ExternalRef> {
    match message.as_tuple()? {
        [Term::ImproperList(head, tail), _] if head.len() == 1 && head[0].is_atom("alias") => {
            tail.as_reference()
        }
        _ => None,
    }
}

/// An exit reason off the wire: any term is one.
fn read_reason(reason: Term) -> ExitReason {
    match ExitReason::from_term(reason) {
        Ok(reason) => reason,
        // Never reached: every term reads as a reason.
        Err(_) => ExitReason::Custom(Term::atom("undefined")),
    }
}

impl PeerLink {
    /// Sends on this connection; if it is closed, `on_fail` runs.
    fn send(&self, message: &ControlMessage, on_fail: Option<OnFail>) {
        match self.sender.send(message) {
            Ok(()) => {}
            Err(SendError::Encode(e)) => tracing::warn!(
                target: "otp::dist",
                peer = %self.node,
                "a message that cannot be encoded was dropped: {e}"
            ),
            Err(SendError::Closed(_)) => {
                if let Some(on_fail) = on_fail {
                    on_fail();
                }
            }
        }
    }
}

/// Reads `link`'s control messages, in order, until the connection ends.
async fn serve(dist: Weak<Distribution>, link: Arc<PeerLink>, mut connection: Connection) {
    loop {
        let event = connection.recv().await;
        let Some(dist) = dist.upgrade() else { return };
        match event {
            Ok(message) => dist.dispatch(&link, message),
            Err(reason) => {
                dist.lost(&link, &reason.to_string());
                return;
            }
        }
    }
}

impl Wire for Distribution {
    fn external(&self, pid: &Pid) -> ExternalPid {
        Distribution::external(self, pid)
    }

    fn external_ref(&self, n: u64) -> ExternalRef {
        Distribution::external_ref(self, n)
    }

    fn pid_of(&self, pid: &ExternalPid) -> Option<Pid> {
        Distribution::pid_of(self, pid)
    }

    fn send_control(&self, node: &Atom, message: ControlMessage, on_fail: Option<OnFail>) {
        Distribution::send_control(self, node, message, on_fail)
    }

    fn start_unlink(&self, from: &Pid, node_key: u64, id: u64) -> u64 {
        let unlink = self.next_unlink.fetch_add(1, Ordering::Relaxed);
        lock(&self.unlinking).insert((from.id(), node_key, id), unlink);
        unlink
    }

    fn monitored_exited(&self, n: u64, reason: ExitReason) {
        self.watched_exited(n, reason)
    }
}

impl Distributed for Distribution {
    fn name(&self) -> &Atom {
        &self.name
    }

    fn send_named(&self, from: Option<&Pid>, name: &Atom, node: &Atom, message: Term) {
        let from = match from {
            Some(pid) => self.external(pid),
            None => self.anonymous(),
        };
        let message = ControlMessage::RegSend {
            from,
            to: name.clone(),
            message,
            token: None,
        };
        self.send_control(node, message, None);
    }

    fn as_any(&self) -> &(dyn Any + Send + Sync) {
        self
    }
}

impl Drop for Distribution {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.accept_task).take() {
            task.abort();
        }
        for link in read(&self.peers).values() {
            link.sender.close();
        }
    }
}
