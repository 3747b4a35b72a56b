//! Exit signals, links and monitors: [`exit`], [`exit_self`], [`link`], [`unlink`],
//! [`monitor`], [`demonitor`], [`trap_exit`], and what a dying process sends to the processes
//! linked to it and monitoring it. What a signal does to the process it reaches is decided by
//! the pure rules of [`crate::signal`]; this file carries the decision out.
//!
//! Uses the core ([`super::core`]), the current process ([`super::current_process`]), names
//! ([`super::names`], to free a dead process's names), pids, exit reasons and the signal rules.

use crate::exit::ExitReason;
use crate::pid::{Down, MonitorRef, Pid};
use crate::signal::{SignalAction, SignalKind, on_exit_signal};
use crate::sync::lock;

use super::core::Obituary;
use super::current_process::self_pid;
use super::names::release_name;

/// Tells the world that `pid` has exited with `reason`: frees its names, runs its exit hooks,
/// sends its links their exit signal and its monitors their `Down`, then wakes whoever waits
/// for its exit. A link or monitor of a process on another node is carried there as a control
/// message (see [`crate::pid::RemoteProcess`]). `pid` may itself be the shadow of a process on
/// another node whose connection was lost: it was in no table, held no names here, and stays
/// the name of that process (nobody is told it exited).
///
/// Each link and each monitor is checked at the moment of delivery, under the lock of the
/// process it goes to: a link that process has just removed with `unlink` carries nothing, and
/// a monitor it has just removed with `demonitor` sends no `Down`, however close the two
/// come. (What a dying process took out of its own core when it was marked dead says only
/// whom to ask.)
pub(crate) fn notify_exit(pid: &Pid, reason: &ExitReason, obituary: Obituary) {
    if pid.is_local() {
        let node = &pid.core().node;
        node.table_remove(pid.id());
        for name in &obituary.names {
            release_name(node, name, pid);
        }
    }
    for hook in obituary.hooks {
        hook(pid, reason);
    }
    for linked in obituary.links {
        signal_link(&linked, pid, reason);
    }
    for (reference, watcher) in obituary.monitored_by {
        send_down(&watcher, reference, pid, reason);
    }
    for (reference, target) in obituary.monitoring {
        lock(&target.core().inner).remove_monitored_by(reference);
        if let Some(remote) = target.cell.remote() {
            remote.demonitor(pid, reference);
        }
    }
    // A shadow cut off from its node has not exited: nobody waits to hear of it.
    if pid.core().is_dead() {
        pid.core().mark_told();
    }
}

/// The exit signal of a link from `from`, which has died with `reason`, to `target`, if the
/// link is still there. The link is checked, removed and the signal carried out under
/// `target`'s lock, the lock `unlink` takes: an unlink either comes first, and there is no
/// signal, or after, and the signal has been dealt with (an EXIT already in the mailbox).
fn signal_link(target: &Pid, from: &Pid, reason: &ExitReason) {
    let core = target.core();
    let mut inner = lock(&core.inner);
    if inner.links.remove(from).is_none() {
        return;
    }
    if let Some(remote) = target.cell.remote() {
        // A process of another node decides there what the signal does.
        drop(inner);
        remote.exit(from, reason, SignalKind::Link);
        return;
    }
    let kill = match on_exit_signal(core.is_trapping(), reason, SignalKind::Link) {
        SignalAction::Ignore => None,
        SignalAction::Deliver(reason) => {
            target.cell.push_exit(from.clone(), reason);
            None
        }
        SignalAction::Die(reason) => core.request_exit_locked(&mut inner, reason),
    };
    drop(inner);
    if let Some(kill) = kill {
        kill.wake();
    }
}

/// The `Down` of monitor `reference`, held by `watcher` on `target`, which has died with
/// `reason`, if the watcher still holds the monitor. Checked, spent and queued under the
/// watcher's lock, which `demonitor` takes: once `demonitor` has returned, no `Down` comes. A
/// watcher on another node is sent the `Down` as a control message.
fn send_down(watcher: &Pid, reference: u64, target: &Pid, reason: &ExitReason) {
    let mut inner = lock(&watcher.core().inner);
    let Some(extras) = inner.extras_mut() else {
        return;
    };
    if extras.monitoring.remove(&reference).is_none() {
        return;
    }
    let down = Down {
        reference: MonitorRef {
            id: reference,
            target: target.clone(),
        },
        pid: target.clone(),
        reason: reason.clone(),
    };
    if watcher.is_local() {
        // Noted, so that `demonitor(ref, flush)` can find and drop it.
        extras.downs.insert(reference, false);
        watcher.cell.push_down(down);
    } else {
        drop(inner);
        watcher.cell.push_down(down);
    }
}

/// Applies an exit signal to `target`. A process of another node decides for itself what the
/// signal does: it goes there as `EXIT` (along a link) or `EXIT2`.
pub(crate) fn deliver_exit_signal(target: &Pid, from: &Pid, reason: &ExitReason, kind: SignalKind) {
    if let Some(remote) = target.cell.remote() {
        remote.exit(from, reason, kind);
        return;
    }
    if target.core().is_dead() {
        return;
    }
    match on_exit_signal(target.core().is_trapping(), reason, kind) {
        SignalAction::Ignore => {}
        SignalAction::Deliver(reason) => target.cell.push_exit(from.clone(), reason),
        SignalAction::Die(reason) => target.core().request_exit(reason),
    }
}

/// `Process.exit(pid, reason)`: sends an exit signal from the calling process.
///
/// `ExitReason::Kill` always kills (the process dies with `killed`); `:normal` is ignored by a
/// process that does not trap exits (unless it sends it to itself); any other reason kills a
/// process that does not trap exits, and reaches one that does as a
/// [`Received::Exit`](crate::process::Received::Exit) message.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         // `:normal` leaves a process that does not trap exits alone...
///         process::exit(&worker.pid(), ExitReason::Normal);
///         assert!(worker.is_alive());
///         // ...`:kill` never does. Elixir: Process.exit(pid, :kill)
///         process::exit(&worker.pid(), ExitReason::Kill);
///         assert_eq!(worker.pid().wait_exit().await, ExitReason::Killed);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub fn exit(pid: &Pid, reason: ExitReason) {
    let me = self_pid();
    let kind = SignalKind::Exit {
        from_self: &me == pid,
    };
    deliver_exit_signal(pid, &me, &reason, kind);
}

/// `exit/1`: the calling process exits with `reason`. The returned future never completes, as
/// Elixir's `exit(reason)` never returns.
///
/// Like Erlang's `exit/1` it raises an exception that unwinds the code that awaits it: in a
/// plain process the process ends there with `reason`; inside a GenServer callback the server
/// loop catches it, as gen_server does, runs `terminate` with `reason` and exits with it (the
/// caller of a call gets `reason`). Whatever `reason` is, it is the exit reason as it is: a
/// process that exits with `ExitReason::Kill` itself sends `:kill` to its links as an ordinary
/// reason.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let pid = node.spawn(|_inbox: Mailbox<()>| async {
///     process::exit_self(ExitReason::custom("done")).await;
///     unreachable!("exit_self never returns");
/// }).pid();
/// assert_eq!(pid.wait_exit().await, ExitReason::custom("done"));
/// # });
/// ```
///
/// # Panics
/// Outside a process.
pub async fn exit_self(reason: ExitReason) -> std::convert::Infallible {
    // Only the current process may raise its own exit: outside one this panics, as every
    // function of this module does.
    drop(self_pid());
    crate::panic::exit_now(reason)
}

/// Sends an exit signal that appears to come from `from`. Supervisors use it.
pub(crate) fn exit_from(from: &Pid, pid: &Pid, reason: ExitReason) {
    let kind = SignalKind::Exit {
        from_self: from == pid,
    };
    deliver_exit_signal(pid, from, &reason, kind);
}

/// Why [`link`] failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The process does not exist (Erlang raises `noproc`). A caller that traps exits gets
    /// `{:EXIT, pid, :noproc}` in its mailbox instead of this error.
    #[error("no process: {0} is not alive")]
    NoProc(Pid),
}

/// `Process.link/1`: links the calling process and `pid`.
///
/// Linking to a process that has exited follows OTP: a caller that traps exits receives
/// `{:EXIT, pid, :noproc}`; any other caller gets [`LinkError::NoProc`].
///
/// A link to a process of another node is set up on both nodes: this call returns at once, and
/// if the process does not exist there, its node answers with the exit signal `:noproc`. If its
/// node cannot be reached, the caller gets the exit signal `:noconnection` (a message when it
/// traps exits), as on the BEAM.
///
/// ```
/// use otp_core::process::{self, LinkError};
/// use otp_core::{ExitReason, Mailbox, Node, Received};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let me = node.spawn(|mut inbox: Mailbox<()>| async move {
///     process::trap_exit(true);
///     let worker = process::spawn(|_inbox: Mailbox<()>| async {
///         process::exit_self(ExitReason::custom("boom")).await;
///     });
///     // Elixir: Process.link(worker)
///     process::link(&worker.pid()).unwrap();
///     match inbox.receive().await {
///         Received::Exit { from, reason } => {
///             assert_eq!((from, reason), (worker.pid(), ExitReason::custom("boom")));
///         }
///         other => panic!("expected an EXIT message, got {other:?}"),
///     }
///     // Linking to a process that is gone, without trapping exits, is an error.
///     process::trap_exit(false);
///     assert_eq!(process::link(&worker.pid()), Err(LinkError::NoProc(worker.pid())));
/// });
/// assert_eq!(me.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn link(pid: &Pid) -> Result<(), LinkError> {
    let me = self_pid();
    if let Some(remote) = pid.cell.remote() {
        if link_pair(&me, pid).is_ok() && remote.link(&me) {
            return Ok(());
        }
        unlink_pair(&me, pid);
        deliver_exit_signal(&me, pid, &ExitReason::NoConnection, SignalKind::Link);
        return Ok(());
    }
    match link_pair(&me, pid) {
        Ok(()) => Ok(()),
        Err(_) if me.core().is_trapping() => {
            me.cell.push_exit(pid.clone(), ExitReason::NoProc);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub(crate) fn link_pair(a: &Pid, b: &Pid) -> Result<(), LinkError> {
    if a == b {
        return Ok(());
    }
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let mut g1 = lock(&first.core().inner);
    let mut g2 = lock(&second.core().inner);
    if a.core().is_dead() {
        return Err(LinkError::NoProc(a.clone()));
    }
    if b.core().is_dead() {
        return Err(LinkError::NoProc(b.clone()));
    }
    g1.links.insert(second.clone(), ());
    g2.links.insert(first.clone(), ());
    Ok(())
}

/// `Process.unlink/1`: removes the link between the calling process and `pid`, if any.
///
/// As OTP promises: once it has returned, the link has no effect on the caller any more, even
/// if `pid` is exiting at that very moment. (An `{:EXIT, pid, reason}` that came before may be
/// in the mailbox of a caller that traps exits.)
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let me = process::self_pid();
///         let worker = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending());
///         assert!(process::is_linked(&me, &worker.pid()));
///         // Elixir: Process.unlink(worker)
///         process::unlink(&worker.pid());
///         assert!(!process::is_linked(&me, &worker.pid()));
///         // Its death no longer reaches this process.
///         process::exit(&worker.pid(), ExitReason::Kill);
///         worker.pid().wait_exit().await;
///         assert!(me.is_alive());
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn unlink(pid: &Pid) {
    let me = self_pid();
    unlink_pair(&me, pid);
    if let Some(remote) = pid.cell.remote() {
        // OTP's unlink protocol: an exit signal the other node sent before it saw the unlink
        // is dropped until it acknowledges.
        remote.unlink(&me);
    }
}

/// proc_lib's `flush_EXIT`: unlinks the calling process from `pid` and drops the
/// `{:EXIT, pid, _}` message the link may have delivered already. A start that failed uses it,
/// so that a caller trapping exits finds no trace of the process it tried to start.
pub(crate) fn unlink_flush(pid: &Pid) {
    let me = self_pid();
    unlink_pair(&me, pid);
    me.cell.remove_exit(pid);
}

pub(crate) fn unlink_pair(a: &Pid, b: &Pid) {
    if a == b {
        return;
    }
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let mut g1 = lock(&first.core().inner);
    let mut g2 = lock(&second.core().inner);
    g1.links.remove(second);
    g2.links.remove(first);
}

/// `Process.monitor/1`: the calling process will receive a [`Down`] message when `pid` exits.
/// Monitoring a process that is already gone delivers `Down` with `:noproc` at once.
///
/// A process of another node is monitored there: `Down` comes with its exit reason, with
/// `:noproc` if it does not exist, and with `:noconnection` when the connection to its node is
/// lost or cannot be made.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
///     let worker = process::spawn(|_inbox: Mailbox<()>| async {});
///     // Elixir: ref = Process.monitor(worker)
///     let reference = process::monitor(&worker.pid());
///     assert_eq!(reference.target(), &worker.pid());
///     match inbox.receive().await {
///         Received::Down(down) => assert_eq!(down.reason, ExitReason::Normal),
///         other => panic!("expected a DOWN message, got {other:?}"),
///     }
///     // Monitoring a process that is already gone reports `:noproc` at once.
///     process::monitor(&worker.pid());
///     match inbox.try_receive() {
///         Some(Received::Down(down)) => assert_eq!(down.reason, ExitReason::NoProc),
///         other => panic!("expected a DOWN message, got {other:?}"),
///     }
/// });
/// assert_eq!(watcher.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn monitor(pid: &Pid) -> MonitorRef {
    monitor_from(&self_pid(), pid)
}

pub(crate) fn monitor_from(watcher: &Pid, target: &Pid) -> MonitorRef {
    let reference = MonitorRef {
        id: target.node().next_ref(),
        target: target.clone(),
    };
    // The watcher's half first: a target that dies from here on finds it and sends the Down.
    lock(&watcher.core().inner)
        .extras()
        .monitoring
        .insert(reference.id, target.clone());
    let alive = {
        let mut inner = lock(&target.core().inner);
        // Marked dead under this lock.
        if target.core().is_dead() {
            false
        } else {
            inner
                .extras()
                .monitored_by
                .insert(reference.id, watcher.clone());
            true
        }
    };
    let reason = match target.cell.remote() {
        None if alive => return reference,
        None => ExitReason::NoProc,
        // Registered on both sides first: the answer may come back before this returns.
        Some(remote) if alive && remote.monitor(watcher, reference.id) => return reference,
        Some(_) => {
            lock(&target.core().inner).remove_monitored_by(reference.id);
            ExitReason::NoConnection
        }
    };
    // Gone before the monitor was set (or out of reach): it will not fire, so it fires now.
    send_down(watcher, reference.id, target, &reason);
    reference
}

/// Sets monitor `reference` of `target` by `watcher` on both sides; `false` (and nothing set)
/// if `target` has exited. The distribution runtime uses it for a remote watcher of a local
/// process, whose reference number it chose.
#[cfg(feature = "dist")]
pub(crate) fn add_monitor(watcher: &Pid, target: &Pid, reference: u64) -> bool {
    {
        let mut inner = lock(&target.core().inner);
        // Marked dead under this lock.
        if target.core().is_dead() {
            return false;
        }
        inner
            .extras()
            .monitored_by
            .insert(reference, watcher.clone());
    }
    lock(&watcher.core().inner)
        .extras()
        .monitoring
        .insert(reference, target.clone());
    true
}

/// Removes monitor `reference` of `target` by `watcher` from both sides; `true` if `target`
/// still held it.
#[cfg(feature = "dist")]
pub(crate) fn remove_monitor(watcher: &Pid, target: &Pid, reference: u64) -> bool {
    let held = lock(&target.core().inner).remove_monitored_by(reference);
    lock(&watcher.core().inner).remove_monitoring(reference);
    held
}

/// Fires monitor `reference` of `target` by `watcher` with `reason`, if the watcher still holds
/// it: the `Down` a remote node sends for one of its processes, or `:noconnection`.
#[cfg(feature = "dist")]
pub(crate) fn fire_monitor(watcher: &Pid, target: &Pid, reference: u64, reason: ExitReason) {
    lock(&target.core().inner).remove_monitored_by(reference);
    send_down(watcher, reference, target, &reason);
}

/// `Process.demonitor/2`: removes a monitor. With `flush`, a `Down` message for it that has
/// already arrived is removed too (`[:flush]`). Returns `true` if the monitor was still active.
///
/// As OTP promises: once it has returned, no `Down` for this monitor is added to the mailbox,
/// even if the monitored process is exiting at that very moment.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
///     // Elixir: Process.demonitor(ref)
///     let sleeper = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///     let reference = process::monitor(&sleeper.pid());
///     assert!(process::demonitor(&reference, false), "the monitor was active");
///
///     // A monitor that has fired leaves its DOWN message behind; `flush` removes it.
///     // Elixir: Process.demonitor(ref, [:flush])
///     let quick = process::spawn(|_inbox: Mailbox<()>| async {});
///     let reference = process::monitor(&quick.pid());
///     quick.pid().wait_exit().await;
///     assert!(!process::demonitor(&reference, true), "the monitor had fired");
///     assert!(inbox.try_receive().is_none());
/// });
/// assert_eq!(watcher.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn demonitor(reference: &MonitorRef, flush: bool) -> bool {
    let me = self_pid();
    // Taking the monitor out of this process's own list decides it: a target dying from now on
    // finds nothing to fire (see `fire_monitor`), and one that has fired has put its Down in
    // the mailbox already.
    let active = lock(&me.core().inner).remove_monitoring(reference.id);
    if active {
        lock(&reference.target.core().inner).remove_monitored_by(reference.id);
        if let Some(remote) = reference.target.cell.remote() {
            remote.demonitor(&me, reference.id);
        }
    } else if flush {
        // Either the Down has come (it is in the shared queue, or in this process's own
        // receive buffer) or it has been received, or the monitor was never this process's.
        let mut inner = lock(&me.core().inner);
        if let Some(downs) = inner.extras_mut().map(|extras| &mut extras.downs)
            && let Some(flushed) = downs.get_mut(&reference.id)
        {
            if me.cell.remove_down(reference.id) {
                downs.remove(&reference.id);
            } else {
                // In the receive buffer: dropped when it is received (`Mailbox::is_flushed`).
                *flushed = true;
            }
        }
    }
    active
}

/// `Process.flag(:trap_exit, on)`: returns the previous setting.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let me = node.spawn(|mut inbox: Mailbox<()>| async move {
///     // Elixir: Process.flag(:trap_exit, true)
///     assert!(!process::trap_exit(true), "off until turned on");
///     process::spawn_link(|_inbox: Mailbox<()>| async {
///         panic!("boom");
///     });
///     // The linked process's crash arrives as a message instead of killing this one.
///     match inbox.receive().await {
///         Received::Exit { reason, .. } => assert_eq!(reason, ExitReason::panic("boom")),
///         other => panic!("expected an EXIT message, got {other:?}"),
///     }
/// });
/// assert_eq!(me.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn trap_exit(on: bool) -> bool {
    self_pid().core().set_trap(on)
}

/// Runs `hook` when `pid` exits. Returns `false`, dropping the hook, if the process is already
/// gone. Tables and registries use it to clean up after their owners.
pub(crate) fn on_exit(pid: &Pid, hook: impl FnOnce(&Pid, &ExitReason) + Send + 'static) -> bool {
    watch_exit(pid, hook).is_some()
}

/// [`on_exit`] with a key to take the hook back with [`unwatch_exit`] (a timer does, once it
/// has fired); `None` if the process is already gone.
pub(crate) fn watch_exit(
    pid: &Pid,
    hook: impl FnOnce(&Pid, &ExitReason) + Send + 'static,
) -> Option<u64> {
    pid.core().add_exit_hook(Box::new(hook))
}

/// Takes back the hook [`watch_exit`] registered under `key`, if it has not run.
pub(crate) fn unwatch_exit(pid: &Pid, key: u64) {
    pid.core().remove_exit_hook(key);
}

/// `true` if `a` and `b` are linked.
///
/// ```
/// use otp_core::{Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let me = process::self_pid();
///         let linked = process::spawn_link(|_inbox: Mailbox<()>| std::future::pending());
///         let alone = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         assert!(process::is_linked(&me, &linked.pid()));
///         assert!(process::is_linked(&linked.pid(), &me), "a link goes both ways");
///         assert!(!process::is_linked(&me, &alone.pid()));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn is_linked(a: &Pid, b: &Pid) -> bool {
    lock(&a.core().inner).links.contains(b)
}
