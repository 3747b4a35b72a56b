//! The node: the owner of pids, names and the process table.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
#[cfg(feature = "dist")]
use std::sync::Weak;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use crate::atom::Atom;
use crate::console::Console;
use crate::hash::CounterBuild;
use crate::pid::Pid;
use crate::sync::{lock, read};
use crate::term::Term;

const SHARDS: usize = 16;

/// The first pid number of every node, so that pids look like a user's processes on a fresh
/// BEAM (`#PID<0.100.0>`, then up).
pub const FIRST_PID: u64 = 100;

static NEXT_NODE_ID: AtomicU64 = AtomicU64::new(1);

/// The number a node of another program goes by in the keys of its pids here: one per name and
/// creation (an incarnation of that node), drawn from the counter local nodes draw theirs
/// from, so a remote pid never equals a local one and every pid of one incarnation compares
/// equal to itself wherever it is seen.
#[cfg(feature = "dist")]
pub(crate) fn remote_node_id(name: &Atom, creation: u32) -> u64 {
    static IDS: OnceLock<Mutex<HashMap<(Atom, u32), u64>>> = OnceLock::new();
    let mut ids = lock(IDS.get_or_init(Default::default));
    *ids.entry((name.clone(), creation))
        .or_insert_with(|| NEXT_NODE_ID.fetch_add(1, Ordering::Relaxed))
}

/// A node: the world a set of processes lives in.
///
/// A node owns the pid counter, the monitor-reference counter, the process table, the local
/// and global name tables and the console its processes print to. Nothing of it is global, so
/// two nodes in one program (two tests running in parallel, say) never see each other's
/// processes or names, and each counts its pids from [`FIRST_PID`]: the same program prints the
/// same pids on every run.
///
/// A node runs on whatever tokio runtime its processes are spawned from. Start the first
/// process with [`Node::spawn`] or [`Node::run`]; from inside a process, the free functions of
/// [`crate::process`] and [`crate::gen_server`] use the current process's node.
///
/// ```
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let answer = node
///     .run(async {
///         let me = process::self_pid();
///         assert_eq!(me.to_string(), "#PID<0.100.0>");
///         41 + 1
///     })
///     .await;
/// assert_eq!(answer, Ok(42));
/// # });
/// ```
#[derive(Clone)]
pub struct Node {
    inner: Arc<NodeInner>,
}

pub(crate) struct NodeInner {
    id: u64,
    next_pid: AtomicU64,
    next_ref: AtomicU64,
    /// The process table: pid number -> pid, in shards by the number's low bits, each keyed by
    /// the rest of the number, so a shard's keys are consecutive. The [`CounterBuild`] hash
    /// keeps neighbouring numbers in neighbouring buckets (a start or an exit touches a cache
    /// line its neighbours warmed, not a random one), rather than SipHash: the keys are the
    /// node's own counter, nothing a remote user picks, and every start and exit pays for a
    /// hash.
    processes: [Mutex<HashMap<u64, Pid, CounterBuild>>; SHARDS],
    pub(crate) locals: RwLock<HashMap<Atom, Pid>>,
    pub(crate) globals: RwLock<HashMap<Atom, Pid>>,
    console: Console,
    sasl_reports: AtomicBool,
    /// The node's distribution, once it has a name (see `Node::start_distributed`).
    distribution: OnceLock<Arc<dyn Distributed>>,
}

/// What the layers below the distribution runtime need of it: the node's name, and sending to
/// a name on another node. The distribution runtime implements it and stores itself in the
/// node (see [`Node::distribution`]); `as_any` gets the runtime back for the layers above.
pub(crate) trait Distributed: Send + Sync + 'static {
    /// The node's name: `:"rust@127.0.0.1"`.
    fn name(&self) -> &Atom;
    /// `send({name, node}, message)` from `from`, a process of this node (or from no process).
    /// Dropped, as on the BEAM, when the node cannot be reached.
    fn send_named(&self, from: Option<&Pid>, name: &Atom, node: &Atom, message: Term);
    /// The runtime itself, for the layers above it.
    #[cfg_attr(not(feature = "dist"), allow(dead_code))]
    fn as_any(&self) -> &(dyn Any + Send + Sync);
}

/// A node handle that does not keep the node alive (the distribution runtime holds one).
#[cfg(feature = "dist")]
#[derive(Clone)]
pub(crate) struct WeakNode(Weak<NodeInner>);

#[cfg(feature = "dist")]
impl WeakNode {
    pub(crate) fn upgrade(&self) -> Option<Node> {
        self.0.upgrade().map(|inner| Node { inner })
    }
}

impl Default for Node {
    fn default() -> Self {
        Self::new()
    }
}

impl Node {
    /// A fresh node that prints to standard output.
    ///
    /// ```
    /// use otp_core::Node;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Two nodes never share pids, names or processes.
    /// let (a, b) = (Node::new(), Node::new());
    /// assert_ne!(a.id(), b.id());
    /// let first = a.run(async { otp_core::process::self_pid() }).await.unwrap();
    /// let also_first = b.run(async { otp_core::process::self_pid() }).await.unwrap();
    /// assert_eq!(first.to_string(), also_first.to_string(), "both count from #PID<0.100.0>");
    /// assert_ne!(first, also_first, "but they are different processes");
    /// # });
    /// ```
    pub fn new() -> Self {
        Self::with_console(Console::stdout())
    }

    /// A fresh node whose processes print to `console` (see [`Console::capture`]).
    ///
    /// ```
    /// use otp_core::{Console, Node, io};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// node.run(async { io::puts("hello") }).await.unwrap();
    /// assert_eq!(console.contents(), "hello\n");
    /// # });
    /// ```
    pub fn with_console(console: Console) -> Self {
        Node {
            inner: Arc::new(NodeInner {
                id: NEXT_NODE_ID.fetch_add(1, Ordering::Relaxed),
                next_pid: AtomicU64::new(FIRST_PID),
                next_ref: AtomicU64::new(1),
                processes: std::array::from_fn(|_| Mutex::new(HashMap::default())),
                locals: RwLock::new(HashMap::new()),
                globals: RwLock::new(HashMap::new()),
                console,
                sasl_reports: AtomicBool::new(false),
                distribution: OnceLock::new(),
            }),
        }
    }

    /// This node's number, distinct for every node made in this program.
    ///
    /// ```
    /// use otp_core::Node;
    ///
    /// let node = Node::new();
    /// assert_eq!(node.clone().id(), node.id(), "clones are the same node");
    /// assert_ne!(Node::new().id(), node.id());
    /// assert_eq!(format!("{node:?}"), format!("Node({})", node.id()));
    /// ```
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// The console this node's processes print to.
    ///
    /// ```
    /// use otp_core::{Console, Node};
    ///
    /// let node = Node::with_console(Console::capture());
    /// // Code outside any process can print where the node's processes print.
    /// node.console().println("a line from outside");
    /// assert_eq!(node.console().contents(), "a line from outside\n");
    /// ```
    pub fn console(&self) -> &Console {
        &self.inner.console
    }

    /// Turns supervisor reports on or off for this node's processes: Elixir's
    /// `config :logger, handle_sasl_reports: true`, for one node. The console logger
    /// ([`crate::logger::ConsoleLayer`]) then prints each child started, terminated or given up
    /// on by a supervisor of this node, as it prints crash reports; other nodes keep their own
    /// setting. Off by default, as in Elixir.
    ///
    /// ```
    /// use otp_core::supervisor::{self, ChildSpec, Options};
    /// use otp_core::{Console, Mailbox, Node, logger};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// logger::init_console();
    /// let console = Console::capture();
    /// let node = Node::with_console(console.clone());
    /// node.set_sasl_reports(true);
    /// assert!(node.sasl_reports());
    /// node.run(async {
    ///     let idle = ChildSpec::new("idle", || async {
    ///         Ok(otp_core::process::spawn_link(|_: Mailbox<()>| std::future::pending()).pid())
    ///     });
    ///     supervisor::start_link(vec![idle], Options::new()).await.unwrap();
    /// })
    /// .await
    /// .unwrap();
    /// assert!(console.contents().starts_with("\n[info] Child :idle of Supervisor"));
    /// # });
    /// ```
    pub fn set_sasl_reports(&self, on: bool) {
        self.inner.sasl_reports.store(on, Ordering::Relaxed);
    }

    /// Whether this node's supervisor reports are printed (see [`Node::set_sasl_reports`]).
    ///
    /// ```
    /// assert!(!otp_core::Node::new().sasl_reports(), "off by default, as in Elixir");
    /// ```
    pub fn sasl_reports(&self) -> bool {
        self.inner.sasl_reports.load(Ordering::Relaxed)
    }

    /// The node's name, Elixir's `node()`: `:"rust@127.0.0.1"` once it is distributed,
    /// `:nonode@nohost` before, as on the BEAM.
    ///
    /// ```
    /// use otp_core::Node;
    ///
    /// assert_eq!(Node::new().name(), "nonode@nohost");
    /// ```
    pub fn name(&self) -> Atom {
        match self.distribution() {
            Some(dist) => dist.name().clone(),
            None => Atom::from("nonode@nohost"),
        }
    }

    /// `true` once the node has a name and talks to other nodes (Elixir's `Node.alive?/0`).
    ///
    /// ```
    /// assert!(!otp_core::Node::new().is_distributed());
    /// ```
    pub fn is_distributed(&self) -> bool {
        self.inner.distribution.get().is_some()
    }

    /// The node's distribution, if it has one.
    #[inline]
    pub(crate) fn distribution(&self) -> Option<&Arc<dyn Distributed>> {
        self.inner.distribution.get()
    }

    /// Gives the node its distribution; `false` if it had one already.
    #[cfg(feature = "dist")]
    pub(crate) fn set_distribution(&self, dist: Arc<dyn Distributed>) -> bool {
        self.inner.distribution.set(dist).is_ok()
    }

    #[cfg(feature = "dist")]
    pub(crate) fn downgrade(&self) -> WeakNode {
        WeakNode(Arc::downgrade(&self.inner))
    }

    pub(crate) fn next_pid(&self) -> u64 {
        self.inner.next_pid.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn next_ref(&self) -> u64 {
        self.inner.next_ref.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn inner(&self) -> &NodeInner {
        &self.inner
    }

    /// The shard of the process table that holds pid number `id`, and its key there.
    #[inline]
    fn table_slot(&self, id: u64) -> (&Mutex<HashMap<u64, Pid, CounterBuild>>, u64) {
        (
            &self.inner.processes[(id as usize) % SHARDS],
            id / SHARDS as u64,
        )
    }

    pub(crate) fn table_insert(&self, pid: &Pid) {
        let (shard, key) = self.table_slot(pid.id());
        lock(shard).insert(key, pid.clone());
    }

    pub(crate) fn table_remove(&self, id: u64) {
        let (shard, key) = self.table_slot(id);
        lock(shard).remove(&key);
    }

    /// The live process with this number, if any.
    ///
    /// ```
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|_inbox: Mailbox<()>| std::future::pending());
    /// // Elixir: pid(0, 100, 0)
    /// assert_eq!(node.process(100), Some(worker.pid()));
    /// assert_eq!(node.process(101), None);
    /// # });
    /// ```
    pub fn process(&self, id: u64) -> Option<Pid> {
        let (shard, key) = self.table_slot(id);
        lock(shard).get(&key).cloned()
    }

    /// Every live process of this node, in pid order (`Process.list/0`).
    ///
    /// ```
    /// use otp_core::{Mailbox, Node};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let a = node.spawn(|_inbox: Mailbox<()>| std::future::pending());
    /// let b = node.spawn(|_inbox: Mailbox<()>| std::future::pending());
    /// // Elixir: Process.list()
    /// assert_eq!(node.processes(), [a.pid(), b.pid()]);
    /// # });
    /// ```
    pub fn processes(&self) -> Vec<Pid> {
        let mut all: Vec<Pid> = self
            .inner
            .processes
            .iter()
            .flat_map(|shard| lock(shard).values().cloned().collect::<Vec<_>>())
            .collect();
        all.sort();
        all
    }

    /// How many processes of this node are alive. Tests use it to prove nothing leaked.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|_inbox: Mailbox<()>| std::future::pending()).pid();
    /// assert_eq!(node.process_count(), 1);
    /// let target = worker.clone();
    /// node.run(async move { process::exit(&target, ExitReason::Kill) }).await.unwrap();
    /// worker.wait_exit().await;
    /// // Nothing left behind: neither the worker nor the process that killed it.
    /// assert_eq!(node.process_count(), 0);
    /// # });
    /// ```
    pub fn process_count(&self) -> usize {
        self.inner.processes.iter().map(|s| lock(s).len()).sum()
    }

    /// The process registered under a local name (`Process.whereis/1`).
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let worker = node.spawn(|_inbox: Mailbox<()>| std::future::pending());
    /// let pid = worker.pid();
    /// node.run(async move { process::register("worker", pid).unwrap() }).await.unwrap();
    /// // From outside any process. Elixir: Process.whereis(:worker)
    /// assert_eq!(node.whereis("worker"), Some(worker.pid()));
    /// assert_eq!(node.whereis("nobody"), None);
    /// # });
    /// ```
    pub fn whereis(&self, name: impl Into<Atom>) -> Option<Pid> {
        read(&self.inner.locals).get(&name.into()).cloned()
    }

    /// Every local name in use, sorted (`Process.registered/0`).
    ///
    /// ```
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let node = Node::new();
    /// let z = node.spawn(|_inbox: Mailbox<()>| std::future::pending()).pid();
    /// let a = node.spawn(|_inbox: Mailbox<()>| std::future::pending()).pid();
    /// node.run(async move {
    ///     process::register("zeta", z).unwrap();
    ///     process::register("alpha", a).unwrap();
    /// })
    /// .await
    /// .unwrap();
    /// // Elixir: Process.registered()
    /// assert_eq!(node.registered(), ["alpha", "zeta"]);
    /// # });
    /// ```
    pub fn registered(&self) -> Vec<Atom> {
        let mut names: Vec<Atom> = read(&self.inner.locals).keys().cloned().collect();
        names.sort();
        names
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node({})", self.inner.id)
    }
}
