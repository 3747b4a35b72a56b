//! Registry: a local, decentralized key-value process registry, as Elixir's `Registry`.
//!
//! | Elixir                                               | Rust                                    |
//! |------------------------------------------------------|-----------------------------------------|
//! | `Registry.start_link(keys: :unique, name: R)`        | [`Registry::start_link`]`(Options::unique().name(R))` |
//! | `Registry.register(R, key, value)`                   | `registry.register(key, value)`         |
//! | `Registry.lookup(R, key)`                            | `registry.lookup(&key)`                 |
//! | `Registry.unregister(R, key)`                        | `registry.unregister(&key)`             |
//! | `Registry.keys(R, pid)`, `Registry.values(R, k, pid)`| `registry.keys(&pid)`, `registry.values(&key, &pid)` |
//! | `Registry.count(R)`                                  | `registry.count()`                      |
//! | `Registry.dispatch(R, key, fun)`                     | `registry.dispatch(&key, \|entries\| ...)` |
//! | `Registry.match(R, key, pattern)`                    | `registry.match_values(&key, \|v\| ...)` |
//! | `{:via, Registry, {R, key}}`                         | `Name::via(registry.clone(), key)`      |
//!
//! A process registers itself; its entries go when it exits, so a dead owner never blocks a
//! new registration. As in Elixir, a process is linked to the registry (there, to the
//! registry's partition) while it holds keys, and unlinked once it holds none: the registry
//! traps exits, so a registrant's crash leaves it running, and if the registry dies its
//! registrants get its exit signal (a registrant that does not trap exits dies with it). The
//! entries themselves are removed at the moment their process exits, by a hook the runtime runs
//! then, rather than when the registry gets round to the `{:EXIT, ...}` message. Reads take one read lock on one of the registry's partitions (the key
//! decides which), so lookups from many processes do not queue behind one lock. The registry is
//! owned by a process, as Elixir's is: when that process exits, the registry is gone and its
//! operations return [`RegistryError::Gone`].
//!
//! ```
//! use otp_core::registry::{Options, Registry};
//! use otp_core::{Node, process};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! Node::new().run(async {
//!     let rooms: Registry<String, u32> =
//!         Registry::start_link(Options::duplicate().name("Rooms")).await.unwrap();
//!     rooms.register("lobby".to_string(), 1).unwrap();
//!     let me = process::self_pid();
//!     assert_eq!(rooms.lookup(&"lobby".to_string()).unwrap(), vec![(me, 1)]);
//! }).await.unwrap();
//! # });
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, Mutex, RwLock, Weak};

use crate::exit::ExitReason;
use crate::gen_server::{self, CastResult, GenServer, Info, Init, StartError};
use crate::hash::{FxBuild, part_of};
use crate::name::{Name, Via};
use crate::pid::Pid;
use crate::process;
use crate::sync::{lock, read, write};

/// Unique or duplicate keys (Elixir's `:keys`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    /// A key names at most one process.
    Unique,
    /// A key may be registered by many processes, each with its value.
    Duplicate,
}

/// Options of [`Registry::start_link`].
#[derive(Clone, Debug)]
pub struct Options {
    keys: Keys,
    name: Option<Name>,
    partitions: usize,
}

impl Options {
    /// `keys: :unique`.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry, RegistryError};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: Registry.start_link(keys: :unique, name: Names)
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         names.register("frodo".to_string(), ()).unwrap();
    ///         // Elixir: {:error, {:already_registered, pid}}
    ///         let again = names.register("frodo".to_string(), ());
    ///         assert_eq!(again, Err(RegistryError::AlreadyRegistered(process::self_pid())));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn unique() -> Self {
        Options {
            keys: Keys::Unique,
            name: None,
            partitions: 16,
        }
    }

    /// `keys: :duplicate`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::registry::{Options, Registry};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: Registry.start_link(keys: :duplicate, name: Topics)
    ///         let topics: Registry<String, u32> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         topics.register("news".to_string(), 1).unwrap();
    ///         topics.register("news".to_string(), 2).unwrap();
    ///         let values: Vec<u32> =
    ///             topics.lookup(&"news".to_string()).unwrap().into_iter().map(|(_, v)| v).collect();
    ///         assert_eq!(values, [1, 2]);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn duplicate() -> Self {
        Options {
            keys: Keys::Duplicate,
            ..Options::unique()
        }
    }

    /// Registers the registry's process under a name.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Name, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: Registry.start_link(keys: :unique, name: Names)
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(Options::unique().name("Names")).await.unwrap();
    ///         assert_eq!(process::whereis(&Name::local("Names")), Some(names.pid()));
    ///         assert_eq!(format!("{names:?}"), "Registry(Names)");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn name(mut self, name: impl Into<Name>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// How many independently locked parts the registry has (16 by default, at least 1).
    /// Elixir's default is 1 because its ETS tables read concurrently anyway; here the parts
    /// are what lets reads and writes from many processes proceed in parallel.
    ///
    /// ```
    /// use otp_core::registry::Options;
    ///
    /// // Elixir: Registry.start_link(keys: :unique, name: Names, partitions: 4)
    /// let opts = Options::unique().partitions(4);
    /// assert_eq!(format!("{opts:?}"), "Options { keys: Unique, name: None, partitions: 4 }");
    /// // At least one part, whatever is asked.
    /// assert_eq!(
    ///     format!("{:?}", Options::unique().partitions(0)),
    ///     "Options { keys: Unique, name: None, partitions: 1 }"
    /// );
    /// ```
    pub fn partitions(mut self, n: usize) -> Self {
        self.partitions = n.max(1);
        self
    }
}

/// Why a registry operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// A unique key is held by a live process: `{:error, {:already_registered, pid}}`.
    #[error("already registered by {0}")]
    AlreadyRegistered(Pid),
    /// The registry's process has exited.
    #[error("the registry is gone (its process has exited)")]
    Gone,
    /// No registry of this type has the name.
    #[error("no registry {0} of the requested key and value types")]
    NotFound(String),
}

/// Pads a value to its own cache lines, so two partitions never share one.
#[repr(align(128))]
struct Padded<T>(T);

struct Entry<V> {
    pid: Pid,
    value: V,
}

/// One partition: key -> the entries under it.
type Partition<K, V> = Padded<RwLock<HashMap<K, Vec<Entry<V>>, FxBuild>>>;

/// One part of the owner index: process -> the keys it holds.
type OwnerIndex<K> = Padded<Mutex<HashMap<Pid, Holder<K>, FxBuild>>>;

/// A registered process, in the owner index.
struct Holder<K> {
    /// The keys it holds, in the order it registered them.
    keys: Vec<K>,
    /// The registry linked it to its process when it registered its first key (it was not
    /// linked before): unlinked again once it holds no key.
    linked: bool,
}

struct Inner<K, V> {
    keys: Keys,
    name: String,
    owner: Pid,
    partitions: Box<[Partition<K, V>]>,
    /// For each registered process, the keys it holds (for cleanup and `keys/2`).
    owners: Box<[OwnerIndex<K>]>,
}

/// A registry handle: cheap to clone, usable from any process.
pub struct Registry<K, V> {
    inner: Arc<Inner<K, V>>,
}

impl<K, V> Clone for Registry<K, V> {
    fn clone(&self) -> Self {
        Registry {
            inner: self.inner.clone(),
        }
    }
}

impl<K, V> fmt::Debug for Registry<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Registry({})", self.inner.name)
    }
}

/// The process that owns a registry.
struct Owner<K, V> {
    registry: Registry<K, V>,
}

impl<K, V> fmt::Debug for Owner<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.registry)
    }
}

impl<K, V> GenServer for Owner<K, V>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Arg = (Options, tokio::sync::oneshot::Sender<Registry<K, V>>);
    type Call = std::convert::Infallible;
    type Reply = ();
    type Cast = std::convert::Infallible;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((opts, handle): Self::Arg) -> Init<Self> {
        // Linked to every registrant: their exits come as messages, not as its own death.
        process::trap_exit(true);
        let owner = process::self_pid();
        let name = opts
            .name
            .as_ref()
            .map(|n| n.to_string())
            .unwrap_or_else(|| owner.to_string());
        let registry = Registry {
            inner: Arc::new(Inner {
                keys: opts.keys,
                name,
                owner: owner.clone(),
                partitions: (0..opts.partitions)
                    .map(|_| Padded(RwLock::new(HashMap::default())))
                    .collect(),
                owners: (0..opts.partitions)
                    .map(|_| Padded(Mutex::new(HashMap::default())))
                    .collect(),
            }),
        };
        // When the owner exits, the registry's tables go with it.
        let weak = Arc::downgrade(&registry.inner);
        process::on_exit(&owner, move |_, _| {
            if let Some(inner) = weak.upgrade() {
                for p in inner.partitions.iter() {
                    write(&p.0).clear();
                }
                for o in inner.owners.iter() {
                    lock(&o.0).clear();
                }
            }
        });
        let _ = handle.send(registry.clone());
        Init::Ok(Owner { registry })
    }

    /// A registrant's exit: its entries are gone already (its exit hook), nothing to do.
    async fn handle_info(&mut self, msg: Info<Self::Info>) -> CastResult<Self> {
        if !matches!(msg, Info::Exit { .. }) {
            gen_server::log_unexpected::<Self>(&msg);
        }
        CastResult::NoReply
    }

    fn module() -> &'static str {
        "Registry"
    }
}

impl<K, V> Registry<K, V>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// `Registry.start_link/1`: starts a registry owned by a new process linked to the caller.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: {:ok, _} = Registry.start_link(keys: :unique, name: Names)
    ///         let names: Registry<String, u32> =
    ///             Registry::start_link(Options::unique().name("Names")).await.unwrap();
    ///         // The owner process is linked to the caller, as Elixir's is.
    ///         assert!(process::is_linked(&process::self_pid(), &names.pid()));
    ///         assert_eq!(names.count(), Ok(0));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    ///
    /// # Panics
    /// Outside a process.
    pub async fn start_link(opts: Options) -> Result<Self, StartError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut gs_opts = gen_server::Options::new();
        if let Some(name) = &opts.name {
            gs_opts = gs_opts.name(name.clone());
        }
        gen_server::start_link::<Owner<K, V>>((opts, tx), gs_opts).await?;
        rx.await
            .map_err(|_| StartError::Stop(ExitReason::custom("registry_handle_lost")))
    }

    /// The registry whose process is registered under `name`, if it has these key and value
    /// types.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::registry::{Options, Registry, RegistryError};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names: Registry<String, u32> =
    ///             Registry::start_link(Options::unique().name("Names")).await.unwrap();
    ///         names.register("frodo".to_string(), 33).unwrap();
    ///         // Another process finds the registry by name, as Elixir code names `Names`.
    ///         let found = Registry::<String, u32>::named("Names").await.unwrap();
    ///         assert_eq!(found.lookup(&"frodo".to_string()).unwrap().len(), 1);
    ///         // The name must hold a registry of these key and value types.
    ///         let wrong = Registry::<String, String>::named("Names").await;
    ///         assert_eq!(wrong.unwrap_err(), RegistryError::NotFound("Names".to_string()));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub async fn named(name: impl Into<Name>) -> Result<Self, RegistryError> {
        let name = name.into();
        let label = name.to_string();
        let server = gen_server::whereis::<Owner<K, V>>(name)
            .map_err(|_| RegistryError::NotFound(label.clone()))?;
        gen_server::inspect(&server, |o: &Owner<K, V>| o.registry.clone())
            .await
            .map_err(|_| RegistryError::NotFound(label))
    }

    /// The process that owns the registry.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry, RegistryError};
    /// use otp_core::{ExitReason, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // The owner's exit must not take this process down with it.
    ///         process::trap_exit(true);
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         names.register("frodo".to_string(), ()).unwrap();
    ///         // The registry lives as long as its owner process.
    ///         process::exit(&names.pid(), ExitReason::Kill);
    ///         names.pid().wait_exit().await;
    ///         assert_eq!(names.lookup(&"frodo".to_string()), Err(RegistryError::Gone));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        self.inner.owner.clone()
    }

    /// Unique or duplicate keys.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::registry::{Keys, Options, Registry};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let topics: Registry<String, ()> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         assert_eq!(topics.kind(), Keys::Duplicate);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn kind(&self) -> Keys {
        self.inner.keys
    }

    fn alive(&self) -> Result<(), RegistryError> {
        if self.inner.owner.is_alive() {
            Ok(())
        } else {
            Err(RegistryError::Gone)
        }
    }

    fn partition(&self, key: &K) -> &RwLock<HashMap<K, Vec<Entry<V>>, FxBuild>> {
        &self.inner.partitions[part_of(key, self.inner.partitions.len())].0
    }

    fn owners(&self, pid: &Pid) -> &Mutex<HashMap<Pid, Holder<K>, FxBuild>> {
        &self.inner.owners[part_of(pid, self.inner.owners.len())].0
    }

    /// `Registry.register/3`: registers the calling process under `key` with `value`.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names: Registry<String, u32> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         // Elixir: Registry.register(Names, "frodo", 33) (from inside the process to name)
    ///         let reader = names.clone();
    ///         let frodo = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             reader.register("frodo".to_string(), 33).unwrap();
    ///         });
    ///         frodo.pid().wait_exit().await;
    ///         // Its entry left with it: the key is free again.
    ///         assert_eq!(names.lookup(&"frodo".to_string()), Ok(vec![]));
    ///         names.register("frodo".to_string(), 50).unwrap();
    ///         assert_eq!(names.lookup(&"frodo".to_string()), Ok(vec![(process::self_pid(), 50)]));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    ///
    /// # Panics
    /// Outside a process.
    pub fn register(&self, key: K, value: V) -> Result<(), RegistryError> {
        self.register_pid(process::self_pid(), key, value)
    }

    fn register_pid(&self, pid: Pid, key: K, value: V) -> Result<(), RegistryError> {
        self.alive()?;
        {
            let mut part = write(self.partition(&key));
            let entries = part.entry(key.clone()).or_default();
            if self.inner.keys == Keys::Unique {
                entries.retain(|e| e.pid.is_alive());
                if let Some(holder) = entries.first() {
                    return Err(RegistryError::AlreadyRegistered(holder.pid.clone()));
                }
            }
            entries.push(Entry {
                pid: pid.clone(),
                value,
            });
        }
        let (first, link) = {
            // The process stays in the owner index until it exits, even with no key left, so
            // that registering again after unregistering adds no second exit hook.
            let mut owners = lock(self.owners(&pid));
            match owners.entry(pid.clone()) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let holder = e.get_mut();
                    holder.keys.push(key.clone());
                    // Its first key again: linked again, unless it was linked before.
                    let link = holder.keys.len() == 1
                        && !holder.linked
                        && !process::is_linked(&pid, &self.inner.owner);
                    holder.linked |= link;
                    (false, link)
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    let link = !process::is_linked(&pid, &self.inner.owner);
                    e.insert(Holder {
                        keys: vec![key.clone()],
                        linked: link,
                    });
                    (true, link)
                }
            }
        };
        if link {
            // As Elixir's registry links its partition to the registering process.
            let _ = process::link_pair(&pid, &self.inner.owner);
        }
        if first {
            // The first key of this process here: clean up after it when it exits.
            let weak: Weak<Inner<K, V>> = Arc::downgrade(&self.inner);
            let installed = process::on_exit(&pid, move |pid, _reason| {
                if let Some(inner) = weak.upgrade() {
                    Registry { inner }.forget(pid);
                }
            });
            if !installed {
                // The process exited already: take back what was just written.
                self.forget(&pid);
                return Err(RegistryError::Gone);
            }
        }
        Ok(())
    }

    /// Removes every entry of `pid`.
    fn forget(&self, pid: &Pid) {
        let keys = lock(self.owners(pid))
            .remove(pid)
            .map(|holder| holder.keys)
            .unwrap_or_default();
        for key in keys {
            let mut part = write(self.partition(&key));
            if let Some(entries) = part.get_mut(&key) {
                entries.retain(|e| &e.pid != pid);
                if entries.is_empty() {
                    part.remove(&key);
                }
            }
        }
    }

    /// `Registry.unregister/2`: removes the calling process's entries under `key`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::registry::{Options, Registry};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         let key = "frodo".to_string();
    ///         names.register(key.clone(), ()).unwrap();
    ///         // Elixir: Registry.unregister(Names, "frodo")
    ///         names.unregister(&key).unwrap();
    ///         assert_eq!(names.whereis(&key), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    ///
    /// # Panics
    /// Outside a process.
    pub fn unregister(&self, key: &K) -> Result<(), RegistryError> {
        self.alive()?;
        let me = process::self_pid();
        self.remove_entries(key, &me);
        Ok(())
    }

    fn remove_entries(&self, key: &K, pid: &Pid) {
        {
            let mut part = write(self.partition(key));
            if let Some(entries) = part.get_mut(key) {
                entries.retain(|e| &e.pid != pid);
                if entries.is_empty() {
                    part.remove(key);
                }
            }
        }
        let unlink = {
            let mut owners = lock(self.owners(pid));
            match owners.get_mut(pid) {
                Some(holder) => {
                    holder.keys.retain(|k| k != key);
                    let unlink = holder.keys.is_empty() && holder.linked;
                    if unlink {
                        holder.linked = false;
                    }
                    unlink
                }
                None => false,
            }
        };
        if unlink {
            // No key left: the link the registry made goes, as in Elixir.
            process::unlink_pair(pid, &self.inner.owner);
        }
    }

    /// `Registry.lookup/2`: the live processes registered under `key`, with their values.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names: Registry<String, u32> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         names.register("frodo".to_string(), 33).unwrap();
    ///         // Elixir: Registry.lookup(Names, "frodo") #=> [{pid, 33}]
    ///         assert_eq!(names.lookup(&"frodo".to_string()), Ok(vec![(process::self_pid(), 33)]));
    ///         assert_eq!(names.lookup(&"sam".to_string()), Ok(vec![]));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn lookup(&self, key: &K) -> Result<Vec<(Pid, V)>, RegistryError> {
        self.alive()?;
        Ok(read(self.partition(key))
            .get(key)
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e.pid.is_alive())
                    .map(|e| (e.pid.clone(), e.value.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The live process holding a unique `key`, without allocating: what a via name asks.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         names.register("frodo".to_string(), ()).unwrap();
    ///         assert_eq!(names.whereis(&"frodo".to_string()), Some(process::self_pid()));
    ///         assert_eq!(names.whereis(&"sam".to_string()), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn whereis(&self, key: &K) -> Option<Pid> {
        if !self.inner.owner.is_alive() {
            return None;
        }
        read(self.partition(key))
            .get(key)?
            .iter()
            .find(|e| e.pid.is_alive())
            .map(|e| e.pid.clone())
    }

    /// `Registry.keys/2`: the keys `pid` is registered under.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let topics: Registry<String, ()> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         topics.register("news".to_string(), ()).unwrap();
    ///         topics.register("sports".to_string(), ()).unwrap();
    ///         // Elixir: Registry.keys(Topics, self())
    ///         assert_eq!(
    ///             topics.keys(&process::self_pid()),
    ///             Ok(vec!["news".to_string(), "sports".to_string()])
    ///         );
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn keys(&self, pid: &Pid) -> Result<Vec<K>, RegistryError> {
        self.alive()?;
        Ok(lock(self.owners(pid))
            .get(pid)
            .map(|holder| holder.keys.clone())
            .unwrap_or_default())
    }

    /// `Registry.values/3`: the values `pid` registered under `key`.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let topics: Registry<String, u32> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         topics.register("news".to_string(), 1).unwrap();
    ///         topics.register("news".to_string(), 2).unwrap();
    ///         // Elixir: Registry.values(Topics, "news", self())
    ///         assert_eq!(topics.values(&"news".to_string(), &process::self_pid()), Ok(vec![1, 2]));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn values(&self, key: &K, pid: &Pid) -> Result<Vec<V>, RegistryError> {
        self.alive()?;
        Ok(read(self.partition(key))
            .get(key)
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| &e.pid == pid)
                    .map(|e| e.value.clone())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `Registry.count/1`: how many entries the registry holds.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::registry::{Options, Registry};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let topics: Registry<String, ()> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         topics.register("news".to_string(), ()).unwrap();
    ///         topics.register("news".to_string(), ()).unwrap();
    ///         topics.register("sports".to_string(), ()).unwrap();
    ///         // Elixir: Registry.count(Topics)
    ///         assert_eq!(topics.count(), Ok(3));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn count(&self) -> Result<usize, RegistryError> {
        self.alive()?;
        Ok(self
            .inner
            .partitions
            .iter()
            .map(|p| {
                read(&p.0)
                    .values()
                    .map(|entries| entries.iter().filter(|e| e.pid.is_alive()).count())
                    .sum::<usize>()
            })
            .sum())
    }

    /// `Registry.dispatch/3`: calls `f` with every live entry under `key`, in the calling
    /// process (no lock is held while `f` runs). A key without entries does not call `f`.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Console, Mailbox, Node, Received, io, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let console = Console::capture();
    /// Node::with_console(console.clone())
    ///     .run(async {
    ///         let topics: Registry<String, ()> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         let (ready, subscribed) = tokio::sync::oneshot::channel();
    ///         let reader = topics.clone();
    ///         let fan = process::spawn(move |mut inbox: Mailbox<String>| async move {
    ///             reader.register("sports".to_string(), ()).unwrap();
    ///             let _ = ready.send(());
    ///             if let Received::Msg(headline) = inbox.receive().await {
    ///                 io::puts(headline);
    ///             }
    ///         });
    ///         subscribed.await.unwrap();
    ///         // Elixir: Registry.dispatch(Topics, "sports", fn entries ->
    ///         //           for {pid, _} <- entries, do: send(pid, "Goal!") end)
    ///         topics
    ///             .dispatch(&"sports".to_string(), |entries| {
    ///                 for (pid, ()) in entries {
    ///                     if let Some(addr) = pid.downcast::<String>() {
    ///                         addr.send("Goal!".to_string());
    ///                     }
    ///                 }
    ///             })
    ///             .unwrap();
    ///         fan.pid().wait_exit().await;
    ///     })
    ///     .await
    ///     .unwrap();
    /// assert_eq!(console.contents(), "Goal!\n");
    /// # });
    /// ```
    pub fn dispatch(&self, key: &K, f: impl FnOnce(&[(Pid, V)])) -> Result<(), RegistryError> {
        let entries = self.lookup(key)?;
        if !entries.is_empty() {
            f(&entries);
        }
        Ok(())
    }

    /// `Registry.match/3`: the live entries under `key` whose value `pred` accepts (a predicate
    /// where Elixir takes a match pattern).
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::registry::{Options, Registry};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let players: Registry<String, u32> =
    ///             Registry::start_link(Options::duplicate()).await.unwrap();
    ///         players.register("lobby".to_string(), 3).unwrap();
    ///         players.register("lobby".to_string(), 12).unwrap();
    ///         // Elixir: Registry.match(Players, "lobby", {:"$1", :_}, [{:>=, :"$1", 10}])
    ///         let strong = players.match_values(&"lobby".to_string(), |level| *level >= 10).unwrap();
    ///         assert_eq!(strong.len(), 1);
    ///         assert_eq!(strong[0].1, 12);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn match_values(
        &self,
        key: &K,
        pred: impl Fn(&V) -> bool,
    ) -> Result<Vec<(Pid, V)>, RegistryError> {
        Ok(self
            .lookup(key)?
            .into_iter()
            .filter(|(_, v)| pred(v))
            .collect())
    }
}

/// A unique registry names processes for `{:via, Registry, {R, key}}`; the value stored is
/// `V::default()` (Elixir stores `nil`). A duplicate registry refuses via names.
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
/// use otp_core::registry::{self, Registry};
/// use otp_core::{Name, Node};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Room(&'static str);
///
/// #[derive(Debug)]
/// struct Topic;
///
/// impl GenServer for Room {
///     type Arg = &'static str;
///     type Call = Topic;
///     type Reply = &'static str;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(topic: &'static str) -> Init<Self> {
///         Init::Ok(Room(topic))
///     }
///
///     async fn handle_call(
///         &mut self,
///         Topic: Topic,
///         _from: &Caller<&'static str>,
///     ) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let rooms: Registry<String, ()> =
///             Registry::start_link(registry::Options::unique().name("Rooms")).await.unwrap();
///         // Elixir: name = {:via, Registry, {Rooms, "lobby"}}
///         let name = Name::via(rooms.clone(), "lobby".to_string());
///         assert_eq!(name.to_string(), "{Rooms, \"lobby\"}");
///         let room = gen_server::start_link::<Room>("chat", Options::new().name(name.clone()))
///             .await
///             .unwrap();
///         assert_eq!(rooms.whereis(&"lobby".to_string()), Some(room.pid()));
///         // Elixir: GenServer.call(name, :topic)
///         assert_eq!(gen_server::call::<Room>(&name, Topic).await, Ok("chat"));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
impl<K, V> Via for Registry<K, V>
where
    K: Clone + Eq + Hash + fmt::Debug + Send + Sync + 'static,
    V: Clone + Default + Send + Sync + 'static,
{
    type Key = K;

    fn register_name(&self, key: &K, pid: &Pid) -> bool {
        self.inner.keys == Keys::Unique
            && self
                .register_pid(pid.clone(), key.clone(), V::default())
                .is_ok()
    }

    fn unregister_name(&self, key: &K) {
        if let Some(pid) = self.whereis(key) {
            self.remove_entries(key, &pid);
        }
    }

    fn whereis_name(&self, key: &K) -> Option<Pid> {
        self.whereis(key)
    }

    fn describe(&self, key: &K) -> String {
        format!("{{{}, {key:?}}}", self.inner.name)
    }
}
