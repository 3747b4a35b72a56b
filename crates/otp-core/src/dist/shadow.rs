//! A process of another node, as this node holds it: its shadow.
//!
//! A pid of another node is a [`Pid`] like any other; its cell is a [`Shadow`]. The shadow
//! keeps, in a [`Core`] of its own, the processes of this node linked to the remote process
//! and monitoring it (and the remote watchers of local processes), so that a lost connection
//! can tell them, with `:noconnection`, as the BEAM does. Everything else a shadow is asked to
//! do becomes a control message to its node ([`RemoteProcess`]).
//!
//! [`Gone`] stands for a pid of this node whose process no longer exists (a pid that comes back
//! in a message after its process exited, or a pid of this node's previous incarnation): a
//! dead process, so every operation on it answers `:noproc`.
//!
//! A shadow reaches its node through [`Wire`], which the distribution runtime implements (it
//! is built on this file, not the reverse). Uses the process layer's core and signals, pids,
//! terms and the wire's control messages.

use std::any::{Any, TypeId, type_name};
use std::sync::{Arc, Weak};

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::node::Node;
use crate::pid::{Cell, Down, Pid, RemoteProcess};
use crate::process::{Core, deliver_exit_signal, fire_monitor, is_linked, unlink_pair};
use crate::signal::SignalKind;
use crate::term::{ExternalPid, ExternalRef, IntoTerm, Term};

use super::control::{ControlMessage, ProcessRef};

/// What a shadow needs of its node's distribution.
pub(crate) trait Wire: Send + Sync {
    /// A pid as the wire carries it.
    fn external(&self, pid: &Pid) -> ExternalPid;
    /// Reference number `n` of this node as the wire carries it.
    fn external_ref(&self, n: u64) -> ExternalRef;
    /// The `Pid` a pid off the wire names here (`None` once the node is gone).
    fn pid_of(&self, pid: &ExternalPid) -> Option<Pid>;
    /// Sends `message` to `node`, connecting first if need be; `on_fail` runs if the node
    /// cannot be reached.
    fn send_control(&self, node: &Atom, message: ControlMessage, on_fail: Option<OnFail>);
    /// Records an unlink of the remote process `(node key, id)` by `from` until its node
    /// acknowledges it; the unlink's id.
    fn start_unlink(&self, from: &Pid, node_key: u64, id: u64) -> u64;
    /// A local process that a remote one monitors under reference `n` has exited.
    fn monitored_exited(&self, n: u64, reason: ExitReason);
}

/// What runs when a link or monitor cannot reach its node.
pub(crate) type OnFail = Box<dyn FnOnce() + Send>;

/// The shadow of a process of another node.
pub(crate) struct Shadow {
    /// The local processes linked to the remote one and monitoring it, and the remote
    /// process's monitors of local processes. Never marked dead: see [`Core::sever`].
    core: Core,
    external: ExternalPid,
    /// The number its node's incarnation goes by in pid keys.
    node_key: u64,
    /// The `N` of `#PID<N.id.serial>`.
    index: u32,
    dist: Weak<dyn Wire>,
}

impl Shadow {
    pub(crate) fn new(
        node: Node,
        external: ExternalPid,
        node_key: u64,
        index: u32,
        dist: Weak<dyn Wire>,
    ) -> Self {
        let id = remote_id(&external);
        Shadow {
            core: Core::new(node, id, None),
            external,
            node_key,
            index,
            dist,
        }
    }

    pub(crate) fn core(&self) -> &Core {
        &self.core
    }

    fn pid(self: &Arc<Self>) -> Pid {
        Pid { cell: self.clone() }
    }

    /// This shadow as a pid, from the `&self` a trait method gets: the runtime interns every
    /// shadow, so the live one for this external pid is this one.
    fn me(&self) -> Option<(Arc<dyn Wire>, Pid)> {
        let dist = self.dist.upgrade()?;
        let pid = dist.pid_of(&self.external)?;
        Some((dist, pid))
    }
}

/// A remote pid's id and serial in the one number a [`Pid`] key holds.
pub(crate) fn remote_id(external: &ExternalPid) -> u64 {
    (u64::from(external.serial) << 32) | u64::from(external.id)
}

impl Cell for Shadow {
    fn id(&self) -> u64 {
        self.core.id
    }

    fn node_id(&self) -> u64 {
        self.node_key
    }

    fn is_dead(&self) -> bool {
        false
    }

    fn state(&self) -> &(dyn Any + Send + Sync) {
        &self.core
    }

    fn push_any(&self, msg: Box<dyn Any + Send>) -> bool {
        // Checked against `message_type` by the caller: a term.
        match msg.downcast::<Term>() {
            Ok(term) => {
                self.push_term(*term);
                true
            }
            Err(_) => false,
        }
    }

    fn push_exit(&self, from: Pid, reason: ExitReason) {
        // Exit signals for a remote process go out through `RemoteProcess::exit`; should one
        // come this way, it travels the link all the same.
        self.exit(&from, &reason, SignalKind::Link);
    }

    fn push_down(&self, down: Down) {
        // A local process the remote one monitors has exited.
        if let Some(dist) = self.dist.upgrade() {
            dist.monitored_exited(down.reference.id, down.reason);
        }
    }

    fn push_node_down(&self, _node: Atom) {}

    fn remove_down(&self, _reference: u64) -> bool {
        false
    }

    fn remove_exit(&self, _from: &Pid) -> bool {
        false
    }

    fn queue_len(&self) -> usize {
        0
    }

    fn close_mailbox(&self) {}

    fn shrink_mailbox(&self) {}

    fn message_type(&self) -> TypeId {
        TypeId::of::<Term>()
    }

    fn message_type_name(&self) -> &'static str {
        type_name::<Term>()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn push_term(&self, message: Term) -> bool {
        self.send(None, message);
        true
    }

    fn remote(&self) -> Option<&dyn RemoteProcess> {
        Some(self)
    }
}

impl RemoteProcess for Shadow {
    fn external(&self) -> &ExternalPid {
        &self.external
    }

    fn node_index(&self) -> u32 {
        self.index
    }

    fn exit(&self, from: &Pid, reason: &ExitReason, kind: SignalKind) {
        let Some(dist) = self.dist.upgrade() else {
            return;
        };
        let (from, to, reason) = (
            dist.external(from),
            self.external.clone(),
            reason.clone().into_term(),
        );
        let message = match kind {
            SignalKind::Link => ControlMessage::Exit {
                from,
                to,
                reason,
                token: None,
            },
            SignalKind::Exit { .. } => ControlMessage::Exit2 {
                from,
                to,
                reason,
                token: None,
            },
        };
        dist.send_control(&self.external.node, message, None);
    }

    fn link(&self, from: &Pid) -> bool {
        let Some((dist, me)) = self.me() else {
            return false;
        };
        let message = ControlMessage::Link {
            from: dist.external(from),
            to: self.external.clone(),
        };
        let linker = from.clone();
        let on_fail = Box::new(move || {
            // Unless the link is gone already (a lost connection told it first).
            if is_linked(&linker, &me) {
                unlink_pair(&linker, &me);
                deliver_exit_signal(&linker, &me, &ExitReason::NoConnection, SignalKind::Link);
            }
        });
        dist.send_control(&self.external.node, message, Some(on_fail));
        true
    }

    fn unlink(&self, from: &Pid) {
        let Some(dist) = self.dist.upgrade() else {
            return;
        };
        let id = dist.start_unlink(from, self.node_key, self.core.id);
        let message = ControlMessage::UnlinkId {
            id,
            from: dist.external(from),
            to: self.external.clone(),
        };
        dist.send_control(&self.external.node, message, None);
    }

    fn monitor(&self, watcher: &Pid, reference: u64) -> bool {
        let Some((dist, me)) = self.me() else {
            return false;
        };
        let message = ControlMessage::MonitorP {
            from: dist.external(watcher),
            to: ProcessRef::Pid(self.external.clone()),
            reference: dist.external_ref(reference),
        };
        let watcher = watcher.clone();
        let on_fail = Box::new(move || {
            fire_monitor(&watcher, &me, reference, ExitReason::NoConnection);
        });
        dist.send_control(&self.external.node, message, Some(on_fail));
        true
    }

    fn demonitor(&self, watcher: &Pid, reference: u64) {
        let Some(dist) = self.dist.upgrade() else {
            return;
        };
        let message = ControlMessage::DemonitorP {
            from: dist.external(watcher),
            to: ProcessRef::Pid(self.external.clone()),
            reference: dist.external_ref(reference),
        };
        dist.send_control(&self.external.node, message, None);
    }

    fn send(&self, from: Option<&Pid>, message: Term) {
        let Some(dist) = self.dist.upgrade() else {
            return;
        };
        let message = ControlMessage::Send {
            from: from.map(|pid| dist.external(pid)),
            to: self.external.clone(),
            message,
            token: None,
        };
        dist.send_control(&self.external.node, message, None);
    }
}

/// A pid of this node whose process is gone: dead, and every operation on it says so.
pub(crate) struct Gone {
    core: Core,
    node_key: u64,
}

impl Gone {
    pub(crate) fn new(node: Node, id: u64, node_key: u64) -> Self {
        let core = Core::new(node, id, None);
        drop(core.mark_dead(ExitReason::NoProc));
        Gone { core, node_key }
    }
}

impl Cell for Gone {
    fn id(&self) -> u64 {
        self.core.id
    }

    fn node_id(&self) -> u64 {
        self.node_key
    }

    fn is_dead(&self) -> bool {
        true
    }

    fn state(&self) -> &(dyn Any + Send + Sync) {
        &self.core
    }

    fn push_any(&self, _msg: Box<dyn Any + Send>) -> bool {
        false
    }

    fn push_exit(&self, _from: Pid, _reason: ExitReason) {}

    fn push_down(&self, _down: Down) {}

    fn push_node_down(&self, _node: Atom) {}

    fn remove_down(&self, _reference: u64) -> bool {
        false
    }

    fn remove_exit(&self, _from: &Pid) -> bool {
        false
    }

    fn queue_len(&self) -> usize {
        0
    }

    fn close_mailbox(&self) {}

    fn shrink_mailbox(&self) {}

    fn message_type(&self) -> TypeId {
        TypeId::of::<Term>()
    }

    fn message_type_name(&self) -> &'static str {
        type_name::<Term>()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn push_term(&self, _message: Term) -> bool {
        false
    }
}

/// A shadow's pid, for the runtime.
pub(crate) fn shadow_pid(shadow: &Arc<Shadow>) -> Pid {
    shadow.pid()
}
