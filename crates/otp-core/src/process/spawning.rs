//! Spawning: [`spawn`], [`spawn_link`], [`spawn_monitor`], [`Node::spawn`] and [`Node::run`]
//! (a process started from outside any process), and the runtime's own way in, which creates a
//! process, links or monitors it, and hands its body to a runner.
//!
//! Uses everything below it in `process`: the mailbox, typed handles, the runner, links and
//! monitors, and the current process.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use crate::exit::ExitReason;
use crate::node::Node;
use crate::pid::{MonitorRef, Pid};

use super::addr::Addr;
use super::core::Core;
use super::current_process::{CURRENT, Current, current, self_pid, with_current};
use super::mailbox::Mailbox;
use super::queue::Shared;
use super::runner::{IntoExitReason, Runner};
use super::signals::{link_pair, monitor_from};

#[derive(Default, Clone, Copy)]
pub(crate) struct SpawnOpts {
    pub(crate) link: bool,
    pub(crate) monitor: bool,
    pub(crate) trap_exit: bool,
    /// The process reports its own crashes (a GenServer does); no plain "raised an exception".
    pub(crate) reports_own_crash: bool,
}

/// Creates a process on `node` without starting its body yet.
pub(crate) fn create<M: Send + 'static>(node: &Node, parent: Option<Pid>) -> Arc<Shared<M>> {
    Arc::new(Shared::new(Core::new(
        node.clone(),
        node.next_pid(),
        parent,
    )))
}

pub(crate) fn spawn_on<M, F, Fut>(
    node: &Node,
    parent: Option<Pid>,
    f: F,
    opts: SpawnOpts,
) -> Addr<M>
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    let shared = create::<M>(node, parent);
    let body = f(Mailbox::new(shared.clone()));
    start(shared, body, opts).0
}

/// Registers a created process, sets its links and monitors and starts its body.
pub(crate) fn start<M, Fut>(
    shared: Arc<Shared<M>>,
    body: Fut,
    opts: SpawnOpts,
) -> (Addr<M>, Option<MonitorRef>)
where
    M: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    let started = prepare(&shared, opts);
    launch(shared, body, opts);
    started
}

/// The first half of [`start`]: registers a created process in its node's table and sets its
/// links and monitors, without starting a body. Until [`launch`] the process exists (its pid
/// takes messages and signals) but runs nothing; [`poll_as`] can run code as it meanwhile.
pub(crate) fn prepare<M: Send + 'static>(
    shared: &Arc<Shared<M>>,
    opts: SpawnOpts,
) -> (Addr<M>, Option<MonitorRef>) {
    // Before the first process runs: its panics are reported by the runtime, not printed.
    crate::panic::install_hook(|| with_current(|p| p.is_some()));
    let addr = Addr {
        shared: shared.clone(),
    };
    let pid = addr.pid();
    if opts.trap_exit {
        shared.core.set_trap(true);
    }
    shared.core.node.table_insert(&pid);
    let mut monitor_ref = None;
    if (opts.link || opts.monitor)
        && let Some(me) = current()
    {
        {
            if opts.link {
                // The new process has not run yet, so it cannot have died: linking succeeds.
                let _ = link_pair(&me, &pid);
            }
            if opts.monitor {
                monitor_ref = Some(monitor_from(&me, &pid));
            }
        }
    }
    (addr, monitor_ref)
}

/// The second half of [`start`]: hands a prepared process's body to a runner task.
pub(crate) fn launch<M, Fut>(shared: Arc<Shared<M>>, body: Fut, opts: SpawnOpts)
where
    M: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoExitReason,
{
    tokio::spawn(Runner::new(shared, body, opts.reports_own_crash));
}

/// Polls `fut` once as the prepared process `shared` (see [`prepare`]): with that process
/// published as the current one, so that `self_pid`, names, links and logging inside `fut` are
/// its own, from the calling task and with a waker that wakes nothing.
///
/// This is how a starter that would wait for a new process's first steps (a GenServer's
/// `init`) takes them itself when they need no waiting, instead of two trips through the
/// scheduler. So the waker must not matter: a `fut` still pending is handed to the process's
/// own runner, whose first poll comes whatever happened meanwhile and leaves its own waker
/// wherever `fut` waits. A panic in `fut` is not caught here: wrap it (`panic::catch_unwind`).
pub(crate) fn poll_as<M, F>(shared: &Arc<Shared<M>>, fut: std::pin::Pin<&mut F>) -> Poll<F::Output>
where
    M: Send + 'static,
    F: Future + ?Sized,
{
    let me = Current {
        pid: Pid {
            cell: shared.clone(),
        },
        call_timer: std::cell::Cell::new(None),
    };
    let mut cx = Context::from_waker(std::task::Waker::noop());
    // Put back however `fut` returns, a panic unwinding through here included.
    struct Restore<'a>(*const Current, &'a Core);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
            self.1.running.store(false, Ordering::Relaxed);
        }
    }
    shared.core.running.store(true, Ordering::Relaxed);
    let _restore = Restore(CURRENT.with(|c| c.replace(&me)), &shared.core);
    fut.poll(&mut cx)
}

/// Starting processes on a node from outside any process: the root of a program or test.
impl Node {
    /// Spawns a process on this node from outside any process: the root of a program or test.
    /// Inside a process use [`crate::process::spawn`].
    ///
    /// ```
    /// use otp_core::{Console, ExitReason, Mailbox, Node, Received, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// // The first process of a program: no parent, nothing to link to.
    /// let greeter = node.spawn(|mut inbox: Mailbox<String>| async move {
    ///     if let Received::Msg(name) = inbox.receive().await {
    ///         io::puts(format!("hello, {name}"));
    ///     }
    /// });
    /// greeter.send("ada".to_string());
    /// assert_eq!(greeter.pid().wait_exit().await, ExitReason::Normal);
    /// assert_eq!(console.contents(), "hello, ada\n");
    /// # });
    /// ```
    pub fn spawn<M, F, Fut>(&self, f: F) -> Addr<M>
    where
        M: Send + 'static,
        F: FnOnce(Mailbox<M>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        spawn_on(self, None, f, SpawnOpts::default())
    }

    /// Runs `fut` as a process on this node (a shell, in IEx terms) and waits for it.
    ///
    /// Returns the future's output, or `Err(reason)` if the process exited before finishing:
    /// killed by a linked process, say, as a crashing `start_link`ed server takes the IEx shell
    /// down with it.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// assert_eq!(node.run(async { 6 * 7 }).await, Ok(42));
    /// // A crash in a linked process takes the shell down, as in IEx.
    /// let crashed = node
    ///     .run(async {
    ///         process::spawn_link(|_inbox: Mailbox<()>| async {
    ///             process::exit_self(ExitReason::custom("boom")).await;
    ///         });
    ///         std::future::pending::<()>().await
    ///     })
    ///     .await;
    /// assert_eq!(crashed, Err(ExitReason::custom("boom")));
    /// # });
    /// ```
    pub async fn run<T, Fut>(&self, fut: Fut) -> Result<T, ExitReason>
    where
        T: Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let addr = self.spawn(move |_inbox: Mailbox<()>| async move {
            let out = fut.await;
            let _ = tx.send(out);
        });
        match rx.await {
            Ok(out) => Ok(out),
            Err(_) => Err(addr.pid().wait_exit().await),
        }
    }
}

/// `spawn/1`: starts a process running `f`, which receives the process's mailbox.
///
/// The process exits `:normal` when the future finishes, with a reason of its choosing through
/// [`exit_self`], and with a panic reason if it panics (the panic is logged as Elixir logs a
/// raised exception: "Process #PID<...> raised an exception").
///
/// [`exit_self`]: crate::process::exit_self
///
/// ```
/// use otp_core::{Console, ExitReason, Mailbox, Node, Received, io, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let console = Console::capture();
/// Node::with_console(console.clone())
///     .run(async {
///         // Elixir: pid = spawn(fn -> receive do n -> IO.puts(n * 2) end end)
///         let doubler = process::spawn(|mut inbox: Mailbox<u32>| async move {
///             if let Received::Msg(n) = inbox.receive().await {
///                 io::puts(n * 2);
///             }
///         });
///         process::send(&doubler, 21);
///         assert_eq!(doubler.pid().wait_exit().await, ExitReason::Normal);
///     })
///     .await
///     .unwrap();
/// assert_eq!(console.contents(), "42\n");
///
/// Node::new()
///     .run(async {
///         // A panic is the process's exit reason; the process that spawned it lives on.
///         let crasher = process::spawn(|_inbox: Mailbox<()>| async {
///             panic!("boom");
///         });
///         assert_eq!(crasher.pid().wait_exit().await, ExitReason::panic("boom"));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a process (use [`Node::spawn`] there), or outside a tokio runtime.
pub fn spawn<M, F, Fut>(f: F) -> Addr<M>
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = self_pid();
    spawn_on(&me.node(), Some(me.clone()), f, SpawnOpts::default())
}

/// `spawn_link/1`: like [`spawn`], linked to the caller from the start.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let parent = node.spawn(|_inbox: Mailbox<()>| async {
///     // Elixir: spawn_link(fn -> exit(:boom) end)
///     process::spawn_link(|_inbox: Mailbox<()>| async {
///         process::exit_self(ExitReason::custom("boom")).await;
///     });
///     std::future::pending::<()>().await;
/// });
/// // The child's exit signal takes the parent down, with the child's reason.
/// assert_eq!(parent.pid().wait_exit().await, ExitReason::custom("boom"));
/// # });
/// ```
pub fn spawn_link<M, F, Fut>(f: F) -> Addr<M>
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = self_pid();
    let opts = SpawnOpts {
        link: true,
        ..SpawnOpts::default()
    };
    spawn_on(&me.node(), Some(me.clone()), f, opts)
}

/// `spawn_monitor/1`: like [`spawn`], monitored by the caller from the start; returns the
/// process and the monitor's reference.
///
/// ```
/// use otp_core::{ExitReason, Mailbox, Node, Received, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let watcher = node.spawn(|mut inbox: Mailbox<()>| async move {
///     // Elixir: {pid, ref} = spawn_monitor(fn -> exit(:boom) end)
///     let (child, reference) = process::spawn_monitor(|_inbox: Mailbox<()>| async {
///         process::exit_self(ExitReason::custom("boom")).await;
///     });
///     match inbox.receive().await {
///         Received::Down(down) => {
///             assert_eq!((down.reference.clone(), down.pid.clone()), (reference, child.pid()));
///             assert_eq!(
///                 down.to_string(),
///                 "{:DOWN, #Reference<0.0.0.1>, :process, #PID<0.101.0>, :boom}"
///             );
///         }
///         other => panic!("expected a DOWN message, got {other:?}"),
///     }
/// });
/// // Only the watcher was told: a monitor, unlike a link, never kills.
/// assert_eq!(watcher.pid().wait_exit().await, ExitReason::Normal);
/// # });
/// ```
pub fn spawn_monitor<M, F, Fut>(f: F) -> (Addr<M>, MonitorRef)
where
    M: Send + 'static,
    F: FnOnce(Mailbox<M>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = self_pid();
    let shared = create::<M>(&me.node(), Some(me.clone()));
    let body = f(Mailbox::new(shared.clone()));
    let opts = SpawnOpts {
        monitor: true,
        ..SpawnOpts::default()
    };
    let (addr, reference) = start(shared, body, opts);
    (
        addr,
        reference.expect("spawn_monitor runs inside a process"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::current_process::self_pid;
    use crate::process::mailbox::{Peek, Received};
    use crate::process::signals::demonitor;
    use crate::sync::lock;

    /// `demonitor(ref, flush)` of a monitor whose Down was already received keeps nothing: the
    /// bookkeeping a flush needs (for a Down still in the receive buffer) stays empty however
    /// many monitors come and go, so a Down costs the same after a million of them as after
    /// the first. Here another message waits in the buffer the whole time, as it does for a
    /// process that receives selectively.
    #[tokio::test]
    async fn demonitor_flush_after_the_down_was_received_leaves_nothing_behind() {
        const ROUNDS: usize = 5_000;
        let node = Node::new();
        let (tx, rx) = tokio::sync::oneshot::channel();
        node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
            inbox.addr().send("waits in the buffer");
            for _ in 0..ROUNDS {
                let (_quick, reference) = spawn_monitor(|_i: Mailbox<()>| async {});
                let down = inbox.receive_match(|m| matches!(m, Peek::Down(_))).await;
                assert!(matches!(down, Received::Down(d) if d.reference == reference));
                assert!(!demonitor(&reference, true));
            }
            let me = self_pid();
            let inner = lock(&me.core().inner);
            let _ = tx.send((inner.downs_len(), inner.monitoring_len(), inbox.len()));
        });
        assert_eq!(
            rx.await.unwrap(),
            (0, 0, 1),
            "(Downs noted, monitors held, messages waiting)"
        );
    }

    /// A Down still in the receive buffer when its monitor is demonitored with `flush` is
    /// dropped when it would be received; the note that says so goes with it.
    #[tokio::test]
    async fn demonitor_flush_drops_a_down_waiting_in_the_receive_buffer() {
        let node = Node::new();
        let (tx, rx) = tokio::sync::oneshot::channel();
        node.spawn(move |mut inbox: Mailbox<&'static str>| async move {
            let (quick, reference) = spawn_monitor(|_i: Mailbox<()>| async {});
            quick.pid().wait_exit().await;
            inbox.addr().send("after the Down");
            // Moves the Down and the message into the receive buffer, taking the message.
            let msg = inbox.receive_match(|m| matches!(m, Peek::Msg(_))).await;
            assert!(matches!(msg, Received::Msg("after the Down")));
            assert!(!demonitor(&reference, true));
            let left = inbox.try_receive().is_none();
            let me = self_pid();
            let flushed = lock(&me.core().inner).downs_len();
            let _ = tx.send((left, flushed));
        });
        assert_eq!(
            rx.await.unwrap(),
            (true, 0),
            "(the Down was dropped, no note left)"
        );
    }
}
