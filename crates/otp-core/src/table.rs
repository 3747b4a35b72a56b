//! Table: an ETS-like keyed table owned by a process, readable from any process, deleted when
//! its owner exits unless an heir takes it over.
//!
//! | Erlang / Elixir                                  | Rust                                    |
//! |--------------------------------------------------|-----------------------------------------|
//! | `:ets.new(:name, [:set, :public])`               | [`Table::new`]`(Options::set().public())` |
//! | `:bag`, `:protected` (default), `:private`       | `Options::bag()`, `.protected()`, `.private()` |
//! | `{:heir, pid, data}`                             | `.heir(pid)`                             |
//! | `:ets.insert(t, {k, v})`                         | `t.insert(k, v)`                         |
//! | `:ets.lookup(t, k)`                              | `t.lookup(&k)` (or `t.get(&k)` for a set) |
//! | `:ets.delete(t, k)`, `:ets.delete_object(t, o)`  | `t.delete(&k)`, `t.delete_object(&k, &v)` |
//! | `:ets.member(t, k)`, `:ets.tab2list(t)`          | `t.member(&k)`, `t.to_list()`            |
//! | `:ets.info(t, :size)`, `:ets.give_away/3`        | `t.len()`, `t.give_away(&pid)`            |
//! | `:ets.delete(t)`                                 | `t.delete_table()`                       |
//!
//! The table is where state goes to outlive a process: a worker keeps its state in a table
//! owned by a longer-lived process, so when its supervisor restarts it, it finds that state
//! again.
//!
//! Access follows ETS: a `public` table can be read and written by any process; `protected`
//! (the default) read by any, written only by its owner; `private` read and written only by
//! its owner. When the owner exits the table is deleted, unless it has a live heir, which
//! becomes the owner (Erlang also sends the heir an `ETS-TRANSFER` message; here the heir can
//! ask [`Table::owner`]).
//!
//! ```
//! use otp_core::table::{Options, Table};
//! use otp_core::{Node, process};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! Node::new().run(async {
//!     let scores: Table<String, u32> = Table::new(Options::set().public());
//!     scores.insert("yoshi".into(), 3).unwrap();
//!     assert_eq!(scores.get(&"yoshi".into()).unwrap(), Some(3));
//!     assert_eq!(scores.owner(), Some(process::self_pid()));
//! }).await.unwrap();
//! # });
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use crate::exit::{Atom, ExitReason};
use crate::hash::{FxBuild, part_of};
use crate::node::{lock, read, write};
use crate::pid::Pid;
use crate::process;

/// Set (one object per key) or bag (many distinct objects per key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `:set`: inserting under a key replaces what was there.
    Set,
    /// `:bag`: a key holds many objects; inserting one already there does nothing.
    Bag,
}

/// Who may read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Any process reads and writes.
    Public,
    /// Any process reads; only the owner writes (the default).
    Protected,
    /// Only the owner reads and writes.
    Private,
}

/// Options of [`Table::new`].
#[derive(Clone, Debug)]
pub struct Options {
    kind: Kind,
    access: Access,
    heir: Option<Pid>,
    name: Option<Atom>,
}

impl Options {
    /// `[:set, :protected]`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: :ets.new(:scores, [:set])
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         scores.insert("ada".into(), 2).unwrap();
    ///         assert_eq!(scores.lookup(&"ada".into()), Ok(vec![2]), "one object per key");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn set() -> Self {
        Options {
            kind: Kind::Set,
            access: Access::Protected,
            heir: None,
            name: None,
        }
    }

    /// `[:bag, :protected]`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: :ets.new(:badges, [:bag])
    ///         let badges: Table<String, &'static str> = Table::new(Options::bag());
    ///         badges.insert("ada".into(), "first").unwrap();
    ///         badges.insert("ada".into(), "fastest").unwrap();
    ///         badges.insert("ada".into(), "first").unwrap();
    ///         assert_eq!(badges.lookup(&"ada".into()), Ok(vec!["first", "fastest"]));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn bag() -> Self {
        Options {
            kind: Kind::Bag,
            ..Options::set()
        }
    }

    /// `:public`.
    ///
    /// ```
    /// use otp_core::table::{Options, Table};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: :ets.new(:scores, [:set, :public])
    ///         let scores: Table<String, u32> = Table::new(Options::set().public());
    ///         let shared = scores.clone();
    ///         let writer = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             shared.insert("bob".into(), 7).unwrap();
    ///         });
    ///         assert_eq!(writer.pid().wait_exit().await, ExitReason::Normal);
    ///         assert_eq!(scores.get(&"bob".into()), Ok(Some(7)));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn public(mut self) -> Self {
        self.access = Access::Public;
        self
    }

    /// `:protected` (the default).
    ///
    /// ```
    /// use otp_core::table::{Options, Table, TableError};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: :ets.new(:scores, [:set, :protected])
    ///         let scores: Table<String, u32> = Table::new(Options::set().protected());
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         let shared = scores.clone();
    ///         let other = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             assert_eq!(shared.get(&"ada".into()), Ok(Some(1)), "anyone reads");
    ///             let write = shared.insert("bob".into(), 2);
    ///             assert!(
    ///                 matches!(write, Err(TableError::Access { op: "insert", .. })),
    ///                 "only the owner writes"
    ///             );
    ///         });
    ///         assert_eq!(other.pid().wait_exit().await, ExitReason::Normal);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn protected(mut self) -> Self {
        self.access = Access::Protected;
        self
    }

    /// `:private`.
    ///
    /// ```
    /// use otp_core::table::{Options, Table, TableError};
    /// use otp_core::{ExitReason, Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: :ets.new(:secrets, [:set, :private])
    ///         let secrets: Table<String, String> = Table::new(Options::set().private());
    ///         secrets.insert("door".into(), "1234".into()).unwrap();
    ///         let shared = secrets.clone();
    ///         let other = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             let read = shared.get(&"door".into());
    ///             assert!(matches!(read, Err(TableError::Access { op: "lookup", .. })));
    ///         });
    ///         assert_eq!(other.pid().wait_exit().await, ExitReason::Normal);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn private(mut self) -> Self {
        self.access = Access::Private;
        self
    }

    /// `{:heir, pid, _}`: who takes the table over when the owner exits.
    ///
    /// ```
    /// use otp_core::table::{Options, Table};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let me = process::self_pid();
    ///         let (tx, rx) = tokio::sync::oneshot::channel();
    ///         let owner = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             // Elixir: :ets.new(:scores, [:set, {:heir, me, nil}])
    ///             let scores: Table<String, u32> = Table::new(Options::set().heir(me));
    ///             scores.insert("ada".into(), 1).unwrap();
    ///             let _ = tx.send(scores);
    ///         });
    ///         let scores = rx.await.unwrap();
    ///         owner.pid().wait_exit().await;
    ///         // The owner is gone; the heir owns the table now, contents and all.
    ///         assert_eq!(scores.owner(), Some(process::self_pid()));
    ///         assert_eq!(scores.get(&"ada".into()), Ok(Some(1)));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn heir(mut self, pid: impl Into<Pid>) -> Self {
        self.heir = Some(pid.into());
        self
    }

    /// A name, for `Debug` output and error messages.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let named: Table<String, u32> = Table::new(Options::set().name("scores"));
    ///         assert_eq!(format!("{named:?}"), "#Table<:scores>");
    ///         let anonymous: Table<String, u32> = Table::new(Options::set());
    ///         assert_eq!(format!("{anonymous:?}"), "#Table<made by #PID<0.100.0>>");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn name(mut self, name: impl Into<Atom>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// Why a table operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// `give_away` to a process that is not alive (Erlang raises `badarg`).
    #[error("no process: {0} is not alive")]
    NoProc(Pid),
    /// The table was deleted (its owner exited with no heir, or `delete_table` was called):
    /// Erlang raises `badarg`.
    #[error("the table {0} no longer exists")]
    Deleted(String),
    /// The calling process may not do this (Erlang raises `badarg`).
    #[error(
        "{op} on {table} is not allowed from {caller}: the table is {access:?} and owned by {owner}"
    )]
    Access {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// Its access.
        access: Access,
        /// Its owner.
        owner: Pid,
        /// The process that tried.
        caller: String,
    },
}

const SHARDS: usize = 16;

/// Pads a shard to its own cache lines.
#[repr(align(128))]
struct Padded<T>(T);

struct Inner<K, V> {
    name: Option<Atom>,
    creator: Pid,
    kind: Kind,
    access: Access,
    owner: Mutex<Option<Pid>>,
    heir: Mutex<Option<Pid>>,
    deleted: AtomicBool,
    shards: Box<[Shard<K, V>]>,
}

/// One part of the table: key -> the objects under it.
type Shard<K, V> = Padded<RwLock<HashMap<K, Vec<V>, FxBuild>>>;

/// A handle on a table: cheap to clone, usable from any process the access allows.
pub struct Table<K, V> {
    inner: Arc<Inner<K, V>>,
}

impl<K, V> Clone for Table<K, V> {
    fn clone(&self) -> Self {
        Table {
            inner: self.inner.clone(),
        }
    }
}

impl<K, V> Table<K, V> {
    /// The table's name, or who made it (true whoever owns it now), for `Debug` output and
    /// errors.
    fn label(&self) -> String {
        match &self.inner.name {
            Some(name) => name.to_string(),
            None => format!("made by {}", self.inner.creator),
        }
    }
}

impl<K, V> fmt::Debug for Table<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Table<{}>", self.label())
    }
}

fn shard_of<K: Hash>(k: &K) -> usize {
    part_of(k, SHARDS)
}

impl<K, V> Table<K, V>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    V: Clone + PartialEq + Send + Sync + 'static,
{
    /// `:ets.new/2`: a table owned by the calling process.
    ///
    /// ```
    /// use otp_core::table::{Options, Table};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         // Elixir: scores = :ets.new(:scores, [:set, :public])
    ///         let scores: Table<String, u32> = Table::new(Options::set().public());
    ///         assert_eq!(scores.owner(), Some(process::self_pid()));
    ///         assert_eq!(scores.len(), Ok(0));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    ///
    /// # Panics
    /// Outside a process.
    pub fn new(opts: Options) -> Self {
        let owner = process::self_pid();
        let table = Table {
            inner: Arc::new(Inner {
                name: opts.name,
                creator: owner.clone(),
                kind: opts.kind,
                access: opts.access,
                owner: Mutex::new(Some(owner.clone())),
                heir: Mutex::new(opts.heir),
                deleted: AtomicBool::new(false),
                shards: (0..SHARDS)
                    .map(|_| Padded(RwLock::new(HashMap::default())))
                    .collect(),
            }),
        };
        table.watch(&owner);
        table
    }

    /// Deletes the table, or hands it to its heir, when `owner` exits.
    fn watch(&self, owner: &Pid) {
        let weak: Weak<Inner<K, V>> = Arc::downgrade(&self.inner);
        let installed = process::on_exit(owner, move |pid, _reason: &ExitReason| {
            if let Some(inner) = weak.upgrade() {
                Table { inner }.owner_exited(pid);
            }
        });
        if !installed {
            self.owner_exited(owner);
        }
    }

    fn owner_exited(&self, owner: &Pid) {
        {
            let current = lock(&self.inner.owner);
            if current.as_ref() != Some(owner) {
                return; // given away meanwhile
            }
        }
        let heir = lock(&self.inner.heir).take();
        match heir {
            Some(heir) if heir.is_alive() && &heir != owner => {
                *lock(&self.inner.owner) = Some(heir.clone());
                self.watch(&heir);
            }
            _ => self.drop_contents(),
        }
    }

    fn drop_contents(&self) {
        self.inner.deleted.store(true, Ordering::Release);
        *lock(&self.inner.owner) = None;
        for s in self.inner.shards.iter() {
            write(&s.0).clear();
        }
    }

    fn check(&self, op: &'static str, writes: bool) -> Result<(), TableError> {
        if self.inner.deleted.load(Ordering::Acquire) {
            return Err(TableError::Deleted(self.label()));
        }
        let needs_owner = match self.inner.access {
            Access::Public => false,
            Access::Protected => writes,
            Access::Private => true,
        };
        if needs_owner {
            self.check_owner(op)
        } else {
            Ok(())
        }
    }

    fn shard(&self, k: &K) -> &RwLock<HashMap<K, Vec<V>, FxBuild>> {
        &self.inner.shards[shard_of(k)].0
    }

    /// `:ets.insert/2`: a set replaces the object under `key`; a bag adds it unless an equal one
    /// is there.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         // Elixir: :ets.insert(scores, {"ada", 1})
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         assert_eq!(scores.get(&"ada".into()), Ok(Some(1)));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn insert(&self, key: K, value: V) -> Result<(), TableError> {
        self.check("insert", true)?;
        let mut shard = write(self.shard(&key));
        let objects = shard.entry(key).or_default();
        match self.inner.kind {
            Kind::Set => {
                objects.clear();
                objects.push(value);
            }
            Kind::Bag => {
                if !objects.contains(&value) {
                    objects.push(value);
                }
            }
        }
        Ok(())
    }

    /// `:ets.lookup/2`: the objects under `key` (at most one in a set).
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::bag());
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         scores.insert("ada".into(), 5).unwrap();
    ///         // Elixir: :ets.lookup(scores, "ada") #=> [{"ada", 1}, {"ada", 5}]
    ///         assert_eq!(scores.lookup(&"ada".into()), Ok(vec![1, 5]));
    ///         assert_eq!(scores.lookup(&"bob".into()), Ok(vec![]));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn lookup(&self, key: &K) -> Result<Vec<V>, TableError> {
        self.check("lookup", false)?;
        Ok(read(self.shard(key)).get(key).cloned().unwrap_or_default())
    }

    /// The object under `key` in a set (the first one in a bag).
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         assert_eq!(scores.get(&"ada".into()), Ok(Some(1)));
    ///         assert_eq!(scores.get(&"bob".into()), Ok(None));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn get(&self, key: &K) -> Result<Option<V>, TableError> {
        self.check("lookup", false)?;
        Ok(read(self.shard(key))
            .get(key)
            .and_then(|v| v.first().cloned()))
    }

    /// `:ets.member/2`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         // Elixir: :ets.member(scores, "ada")
    ///         assert_eq!(scores.member(&"ada".into()), Ok(true));
    ///         assert_eq!(scores.member(&"bob".into()), Ok(false));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn member(&self, key: &K) -> Result<bool, TableError> {
        self.check("member", false)?;
        Ok(read(self.shard(key)).contains_key(key))
    }

    /// `:ets.delete/2`: removes everything under `key`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let badges: Table<String, &'static str> = Table::new(Options::bag());
    ///         badges.insert("ada".into(), "first").unwrap();
    ///         badges.insert("ada".into(), "fastest").unwrap();
    ///         // Elixir: :ets.delete(badges, "ada")
    ///         badges.delete(&"ada".into()).unwrap();
    ///         assert_eq!(
    ///             badges.member(&"ada".into()),
    ///             Ok(false),
    ///             "every object under the key is gone"
    ///         );
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn delete(&self, key: &K) -> Result<(), TableError> {
        self.check("delete", true)?;
        write(self.shard(key)).remove(key);
        Ok(())
    }

    /// `:ets.delete_object/2`: removes one object from under `key`.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let badges: Table<String, &'static str> = Table::new(Options::bag());
    ///         badges.insert("ada".into(), "first").unwrap();
    ///         badges.insert("ada".into(), "fastest").unwrap();
    ///         // Elixir: :ets.delete_object(badges, {"ada", "first"})
    ///         badges.delete_object(&"ada".into(), &"first").unwrap();
    ///         assert_eq!(badges.lookup(&"ada".into()), Ok(vec!["fastest"]));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn delete_object(&self, key: &K, value: &V) -> Result<(), TableError> {
        self.check("delete_object", true)?;
        let mut shard = write(self.shard(key));
        if let Some(objects) = shard.get_mut(key) {
            objects.retain(|v| v != value);
            if objects.is_empty() {
                shard.remove(key);
            }
        }
        Ok(())
    }

    /// `:ets.tab2list/1`: every object with its key.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         scores.insert("bob".into(), 2).unwrap();
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         // Elixir: :ets.tab2list(scores) (in no particular order, as in ETS)
    ///         let mut all = scores.to_list().unwrap();
    ///         all.sort();
    ///         assert_eq!(all, [("ada".to_string(), 1), ("bob".to_string(), 2)]);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn to_list(&self) -> Result<Vec<(K, V)>, TableError> {
        self.check("tab2list", false)?;
        Ok(self
            .inner
            .shards
            .iter()
            .flat_map(|s| {
                read(&s.0)
                    .iter()
                    .flat_map(|(k, vs)| vs.iter().map(|v| (k.clone(), v.clone())))
                    .collect::<Vec<_>>()
            })
            .collect())
    }

    /// `:ets.info(t, :size)`: how many objects the table holds.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let badges: Table<String, &'static str> = Table::new(Options::bag());
    ///         badges.insert("ada".into(), "first").unwrap();
    ///         badges.insert("ada".into(), "fastest").unwrap();
    ///         // Elixir: :ets.info(badges, :size) counts objects, not keys
    ///         assert_eq!(badges.len(), Ok(2));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn len(&self) -> Result<usize, TableError> {
        self.check("info", false)?;
        Ok(self
            .inner
            .shards
            .iter()
            .map(|s| read(&s.0).values().map(Vec::len).sum::<usize>())
            .sum())
    }

    /// `true` if the table holds nothing.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         assert_eq!(scores.is_empty(), Ok(true));
    ///         scores.insert("ada".into(), 1).unwrap();
    ///         assert_eq!(scores.is_empty(), Ok(false));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn is_empty(&self) -> Result<bool, TableError> {
        Ok(self.len()? == 0)
    }

    /// The owner, or `None` once the table is deleted.
    ///
    /// ```
    /// use otp_core::table::{Options, Table};
    /// use otp_core::{Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         // Elixir: :ets.info(scores, :owner)
    ///         assert_eq!(scores.owner(), Some(process::self_pid()));
    ///         scores.delete_table().unwrap();
    ///         assert_eq!(scores.owner(), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn owner(&self) -> Option<Pid> {
        lock(&self.inner.owner).clone()
    }

    /// `true` until the table is deleted.
    ///
    /// ```
    /// use otp_core::table::{Options, Table, TableError};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let (tx, rx) = tokio::sync::oneshot::channel();
    ///         let owner = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             let scores: Table<String, u32> = Table::new(Options::set().name("scores"));
    ///             let _ = tx.send(scores);
    ///         });
    ///         let scores = rx.await.unwrap();
    ///         owner.pid().wait_exit().await;
    ///         // No heir: the table went with its owner.
    ///         assert!(!scores.exists());
    ///         assert_eq!(scores.get(&"ada".into()), Err(TableError::Deleted(":scores".into())));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn exists(&self) -> bool {
        !self.inner.deleted.load(Ordering::Acquire)
    }

    /// `:ets.give_away/3`: the owner hands the table to another live process.
    ///
    /// ```
    /// use otp_core::table::{Options, Table, TableError};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set());
    ///         let keeper = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         // Elixir: :ets.give_away(scores, keeper, nil)
    ///         scores.give_away(&keeper.pid()).unwrap();
    ///         assert_eq!(scores.owner(), Some(keeper.pid()));
    ///         // The table is protected: the former owner may only read it now.
    ///         let write = scores.insert("ada".into(), 1);
    ///         assert!(matches!(write, Err(TableError::Access { op: "insert", .. })));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn give_away(&self, to: &Pid) -> Result<(), TableError> {
        self.check_owner("give_away")?;
        if !to.is_alive() {
            return Err(TableError::NoProc(to.clone()));
        }
        if self.owner().as_ref() == Some(to) {
            // Already its owner: nothing changes (and no second exit hook).
            return Ok(());
        }
        *lock(&self.inner.owner) = Some(to.clone());
        self.watch(to);
        Ok(())
    }

    /// `:ets.setopts(t, {:heir, pid, _})`: sets the heir (owner only).
    ///
    /// ```
    /// use otp_core::table::{Options, Table};
    /// use otp_core::{Mailbox, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let me = process::self_pid();
    ///         let (tx, rx) = tokio::sync::oneshot::channel();
    ///         let owner = process::spawn(move |_inbox: Mailbox<()>| async move {
    ///             let scores: Table<String, u32> = Table::new(Options::set());
    ///             // Elixir: :ets.setopts(scores, {:heir, me, nil})
    ///             scores.set_heir(Some(me)).unwrap();
    ///             let _ = tx.send(scores);
    ///         });
    ///         let scores = rx.await.unwrap();
    ///         owner.pid().wait_exit().await;
    ///         assert_eq!(scores.owner(), Some(process::self_pid()));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn set_heir(&self, heir: Option<Pid>) -> Result<(), TableError> {
        self.check_owner("setopts")?;
        *lock(&self.inner.heir) = heir;
        Ok(())
    }

    /// `:ets.delete/1`: deletes the table (owner only).
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::table::{Options, Table, TableError};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let scores: Table<String, u32> = Table::new(Options::set().name("scores"));
    ///         // Elixir: :ets.delete(scores)
    ///         scores.delete_table().unwrap();
    ///         assert!(!scores.exists());
    ///         let gone = scores.insert("ada".into(), 1).unwrap_err();
    ///         assert_eq!(gone, TableError::Deleted(":scores".into()));
    ///         assert_eq!(gone.to_string(), "the table :scores no longer exists");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn delete_table(&self) -> Result<(), TableError> {
        self.check_owner("delete")?;
        self.drop_contents();
        Ok(())
    }

    fn check_owner(&self, op: &'static str) -> Result<(), TableError> {
        if self.inner.deleted.load(Ordering::Acquire) {
            return Err(TableError::Deleted(self.label()));
        }
        let owner = lock(&self.inner.owner).clone();
        let caller = process::current();
        match owner {
            Some(owner) if caller.as_ref() == Some(&owner) => Ok(()),
            Some(owner) => Err(TableError::Access {
                op,
                table: self.label(),
                access: self.inner.access,
                owner,
                caller: caller
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "outside any process".to_string()),
            }),
            None => Err(TableError::Deleted(self.label())),
        }
    }
}
