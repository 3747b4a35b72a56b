//! Introspection: [`info`] (`Process.info/1`) and [`message_queue_len`].
//!
//! Uses the core ([`super::core`]), names and pids.

use std::fmt;
use std::sync::atomic::Ordering;

use crate::name::Name;
use crate::pid::Pid;
use crate::sync::lock;

use super::core::{DEAD, EXITING, TRAP};

/// What a process is doing, as `Process.info/1` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Running code right now.
    Running,
    /// Waiting for a message or an event.
    Waiting,
    /// Told to exit; it will at its next await point.
    Exiting,
}

/// `Process.info/1`. Prints as Elixir's keyword list, with the fields a tokio task has.
#[derive(Clone)]
pub struct ProcessInfo {
    /// The process.
    pub pid: Pid,
    /// Its local name, if it has one.
    pub registered_name: Option<Name>,
    /// Running, waiting or exiting.
    pub status: Status,
    /// Messages waiting in its mailbox.
    pub message_queue_len: usize,
    /// The processes it is linked to, in pid order.
    pub links: Vec<Pid>,
    /// The processes it monitors.
    pub monitors: Vec<Pid>,
    /// The processes monitoring it.
    pub monitored_by: Vec<Pid>,
    /// Whether it traps exits.
    pub trap_exit: bool,
    /// The process that spawned it.
    pub parent: Option<Pid>,
    /// Its parent, its parent's parent, and so on up to the first process of the node
    /// (Elixir's `$ancestors`).
    pub ancestors: Vec<Pid>,
}

impl fmt::Debug for ProcessInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pids = |v: &[Pid]| {
            v.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let name = match &self.registered_name {
            Some(n) => n.to_string(),
            None => "[]".to_string(),
        };
        let status = match self.status {
            Status::Running => ":running",
            Status::Waiting => ":waiting",
            Status::Exiting => ":exiting",
        };
        write!(
            f,
            "[registered_name: {name}, status: {status}, message_queue_len: {}, links: [{}], \
             monitors: [{}], monitored_by: [{}], trap_exit: {}, ancestors: [{}]]",
            self.message_queue_len,
            pids(&self.links),
            pids(&self.monitors),
            pids(&self.monitored_by),
            self.trap_exit,
            pids(&self.ancestors)
        )
    }
}

/// `Process.info/1`: a snapshot of a process, or `None` if it has exited (Elixir's `nil`) or
/// runs on another node.
///
/// ```
/// use otp_core::process::{self, Status};
/// use otp_core::{Mailbox, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn_link(|mut inbox: Mailbox<()>| async move {
///             inbox.receive().await;
///         });
///         process::register("worker", &worker).unwrap();
///         process::send(&worker, ());
///         // Elixir: Process.info(worker)
///         let info = process::info(&worker.pid()).unwrap();
///         assert_eq!((info.status, info.message_queue_len), (Status::Waiting, 1));
///         assert_eq!(
///             format!("{info:?}"),
///             "[registered_name: :worker, status: :waiting, message_queue_len: 1, \
///              links: [#PID<0.100.0>], monitors: [], monitored_by: [], trap_exit: false, \
///              ancestors: [#PID<0.100.0>]]"
///         );
///         // nil once the process has exited
///         worker.pid().wait_exit().await;
///         assert!(process::info(&worker.pid()).is_none());
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn info(pid: &Pid) -> Option<ProcessInfo> {
    if !pid.is_local() {
        // The BEAM refuses Process.info of a remote pid; here it is nil.
        return None;
    }
    let core = pid.core();
    let flags = core.flags.load(Ordering::Acquire);
    if flags & DEAD != 0 {
        return None;
    }
    let (registered_name, links, monitors, monitored_by, parent) = {
        let inner = lock(&core.inner);
        (
            inner.local_name().cloned(),
            inner.links.sorted_keys(),
            inner.monitoring(),
            inner.monitored_by(),
            inner.parent.clone(),
        )
    };
    let mut ancestors = Vec::new();
    let mut next = parent.clone();
    while let Some(p) = next {
        next = p.core().parent();
        ancestors.push(p);
    }
    let status = if flags & EXITING != 0 {
        Status::Exiting
    } else if core.running.load(Ordering::Relaxed) {
        Status::Running
    } else {
        Status::Waiting
    };
    Some(ProcessInfo {
        pid: pid.clone(),
        registered_name,
        status,
        message_queue_len: pid.cell.queue_len(),
        links,
        monitors,
        monitored_by,
        trap_exit: flags & TRAP != 0,
        parent,
        ancestors,
    })
}

/// `Process.info(pid, :registered_name)`: the local name of a live process of this node, read
/// under its lock alone. The runtime's reports name a supervisor or a server this way, which
/// [`info`] would do by copying and sorting every link (a supervisor's: all its children) on
/// each report.
pub(crate) fn registered_name(pid: &Pid) -> Option<Name> {
    if !pid.is_local() {
        return None;
    }
    let core = pid.core();
    if core.flags.load(Ordering::Acquire) & DEAD != 0 {
        return None;
    }
    lock(&core.inner).local_name().cloned()
}

/// `Process.info(pid, :message_queue_len)`; 0 for a process that has exited.
///
/// ```
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<u32>| std::future::pending());
///         process::send(&worker, 1);
///         process::send(&worker, 2);
///         // Elixir: Process.info(worker, :message_queue_len)
///         assert_eq!(process::message_queue_len(&worker), 2);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn message_queue_len(pid: impl Into<Pid>) -> usize {
    let pid = pid.into();
    if pid.core().is_dead() {
        0
    } else {
        pid.cell.queue_len()
    }
}
