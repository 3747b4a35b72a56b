//! Names: the three forms OTP accepts wherever a process is addressed.
//!
//! | Elixir                         | Rust                                   |
//! |--------------------------------|----------------------------------------|
//! | `:superman` (a local name)     | `Name::local("superman")`, or `"superman".into()` |
//! | `{:global, :superman}`         | `Name::global("superman")`             |
//! | `{:via, Registry, {Reg, key}}` | `Name::via(registry, key)`             |
//! | `{:superman, :"b@127.0.0.1"}`  | `Name::remote("superman", "b@127.0.0.1")` |
//!
//! A local name lives in the node's name table. A global name lives in a second, node-wide
//! table: until there is distribution it names a process on this node only, which is what
//! `:global` does on a node that is not connected to any other. A via name delegates to any
//! value implementing [`Via`]: [`crate::registry::Registry`] is one, and a program can write its
//! own. A remote name is a local name on another node (distribution, the `dist` feature): a
//! message to it goes to that node, which looks the name up in its own table.

use std::any::type_name;
use std::fmt;
use std::sync::Arc;

use crate::exit::Atom;
use crate::message::{AnyMessage, SendError};
use crate::pid::Pid;
use crate::term::Term;

/// A name a process can be registered under and addressed by.
#[derive(Clone)]
pub enum Name {
    /// A name in the node's local table (`:superman`).
    Local(Atom),
    /// A name in the node's global table (`{:global, :superman}`).
    Global(Atom),
    /// A name kept by a registry of the program's choosing (`{:via, module, key}`).
    Via(ViaName),
    /// A local name on another node: `{name, node}`. Calls, casts and sends to it go to that
    /// node (with the `dist` feature); it cannot be registered from here, and
    /// [`crate::process::whereis`] finds no pid for it unless the node is this one.
    Remote(Atom, Atom),
}

impl Name {
    /// A local name.
    ///
    /// ```
    /// use otp_core::Name;
    /// assert_eq!(Name::local("superman").to_string(), ":superman");
    /// assert_eq!(Name::global("superman").to_string(), "{:global, :superman}");
    /// ```
    pub fn local(name: impl Into<Atom>) -> Self {
        Name::Local(name.into())
    }

    /// A global name: node-wide until there is distribution.
    ///
    /// ```
    /// use otp_core::{Mailbox, Name, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         // Elixir: :global.register_name(:worker, pid)
    ///         process::register(Name::global("worker"), &worker).unwrap();
    ///         assert_eq!(process::whereis(&Name::global("worker")), Some(worker.pid()));
    ///         // The global table is apart from the local one.
    ///         assert_eq!(process::whereis(&Name::local("worker")), None);
    ///         assert_eq!(Name::global("worker").to_string(), "{:global, :worker}");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn global(name: impl Into<Atom>) -> Self {
        Name::Global(name.into())
    }

    /// A via name: `key` in `registry`.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Mailbox, Name, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let rooms: Registry<String, ()> =
    ///             Registry::start_link(Options::unique().name("Rooms")).await.unwrap();
    ///         // Elixir: {:via, Registry, {Rooms, "lobby"}}
    ///         let lobby = Name::via(rooms, "lobby".to_string());
    ///         let room = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         process::register(lobby.clone(), &room).unwrap();
    ///         assert_eq!(process::whereis(&lobby), Some(room.pid()));
    ///         assert_eq!(lobby.to_string(), "{Rooms, \"lobby\"}");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn via<R: Via>(registry: R, key: R::Key) -> Self {
        Name::Via(ViaName(Arc::new(ViaEntry { registry, key })))
    }
}

impl Name {
    /// The local name `name` on node `node`: Elixir's `{name, node}`.
    ///
    /// ```
    /// use otp_core::Name;
    ///
    /// let superman = Name::remote("superman", "b@127.0.0.1");
    /// assert_eq!(superman.to_string(), "{:superman, :\"b@127.0.0.1\"}");
    /// ```
    pub fn remote(name: impl Into<Atom>, node: impl Into<Atom>) -> Self {
        Name::Remote(name.into(), node.into())
    }

    /// `nil`, `false`, `true` and `:undefined`, which Elixir's `Process.register/2` refuses as
    /// names (Erlang's `register/2` refuses `undefined`, which `whereis` answers for "nobody").
    /// Only local names: `:global` takes any term.
    pub(crate) fn is_reserved(&self) -> bool {
        matches!(self, Name::Local(atom) if ["nil", "false", "true", "undefined"].contains(&atom.as_str()))
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name::Local(Atom::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name::Local(Atom::from(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::Local(Atom::from(s))
    }
}

impl From<Atom> for Name {
    fn from(a: Atom) -> Self {
        Name::Local(a)
    }
}

impl From<&Atom> for Name {
    fn from(a: &Atom) -> Self {
        Name::Local(a.clone())
    }
}

impl From<&Name> for Name {
    fn from(n: &Name) -> Self {
        n.clone()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Local(a) => write!(f, "{a}"),
            Name::Global(a) => write!(f, "{{:global, {a}}}"),
            Name::Via(v) => f.write_str(&v.0.describe()),
            Name::Remote(name, node) => write!(f, "{{{name}, {}}}", Term::Atom(node.clone())),
        }
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Name::Local(a), Name::Local(b)) | (Name::Global(a), Name::Global(b)) => a == b,
            (Name::Via(a), Name::Via(b)) => a.0.describe() == b.0.describe(),
            (Name::Remote(a, x), Name::Remote(b, y)) => a == b && x == y,
            _ => false,
        }
    }
}

/// A registry that names processes: Elixir's `{:via, module, key}`.
///
/// The four callbacks are the ones OTP asks of a via module. `register_name` answers `true`
/// (Elixir's `:yes`) when the key was free and now names `pid`, `false` (`:no`) when it is
/// taken. `send` has a default that looks the key up and delivers; override it to route
/// differently.
///
/// OTP calls `unregister_name` only when a start fails; when a registered process exits, the
/// registry itself is expected to notice (Elixir's `Registry` and `:global` monitor their
/// processes). [`crate::registry::Registry`] does this; a hand-written registry should monitor
/// the processes it names too.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::{Arc, Mutex};
/// use otp_core::{Name, Node, Pid, Via};
///
/// #[derive(Clone, Default)]
/// struct Names(Arc<Mutex<HashMap<String, Pid>>>);
///
/// impl Via for Names {
///     type Key = String;
///     fn register_name(&self, key: &String, pid: &Pid) -> bool {
///         let mut map = self.0.lock().unwrap();
///         if map.get(key).is_some_and(|p| p.is_alive()) { return false; }
///         map.insert(key.clone(), pid.clone());
///         true
///     }
///     fn unregister_name(&self, key: &String) { self.0.lock().unwrap().remove(key); }
///     fn whereis_name(&self, key: &String) -> Option<Pid> {
///         self.0.lock().unwrap().get(key).filter(|p| p.is_alive()).cloned()
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let node = Node::new();
/// let names = Names::default();
/// let name = Name::via(names.clone(), "frodo".to_string());
/// node.run(async move {
///     let pid = otp_core::process::spawn(|mut inbox: otp_core::Mailbox<()>| async move {
///         inbox.receive().await;
///     });
///     otp_core::process::register(name.clone(), pid.pid()).unwrap();
///     assert_eq!(otp_core::process::whereis(&name), Some(pid.pid()));
/// }).await.unwrap();
/// # });
/// ```
pub trait Via: Send + Sync + 'static {
    /// The key type this registry names processes by.
    type Key: Clone + fmt::Debug + Send + Sync + 'static;

    /// Names `pid` with `key` if the key is free (`:yes`); `false` if it is taken (`:no`).
    ///
    /// ```
    /// use otp_core::process::{self, RegisterError};
    /// use otp_core::{Mailbox, Name, Node};
    /// # use std::collections::HashMap;
    /// # use std::sync::{Arc, Mutex};
    /// # use otp_core::{Pid, Via};
    /// # #[derive(Clone, Default)]
    /// # struct Names(Arc<Mutex<HashMap<String, Pid>>>);
    /// # impl Via for Names {
    /// #     type Key = String;
    /// #     fn register_name(&self, key: &String, pid: &Pid) -> bool {
    /// #         let mut map = self.0.lock().unwrap();
    /// #         if map.get(key).is_some_and(|p| p.is_alive()) { return false; }
    /// #         map.insert(key.clone(), pid.clone());
    /// #         true
    /// #     }
    /// #     fn unregister_name(&self, key: &String) { self.0.lock().unwrap().remove(key); }
    /// #     fn whereis_name(&self, key: &String) -> Option<Pid> {
    /// #         self.0.lock().unwrap().get(key).filter(|p| p.is_alive()).cloned()
    /// #     }
    /// # }
    ///
    /// // `Names` is the registry of the trait's example. Registering through a via name asks it.
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let frodo = Name::via(Names::default(), "frodo".to_string());
    ///         let first = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         let second = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         // register_name answers :yes...
    ///         process::register(frodo.clone(), &first).unwrap();
    ///         // ...then :no, which names the holder.
    ///         let taken = process::register(frodo, &second);
    ///         assert!(matches!(taken, Err(RegisterError::Taken { holder, .. }) if holder == first.pid()));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn register_name(&self, key: &Self::Key, pid: &Pid) -> bool;

    /// Forgets `key`.
    ///
    /// ```
    /// use otp_core::{Name, Node, process};
    /// # use std::collections::HashMap;
    /// # use std::sync::{Arc, Mutex};
    /// # use otp_core::{Pid, Via};
    /// # #[derive(Clone, Default)]
    /// # struct Names(Arc<Mutex<HashMap<String, Pid>>>);
    /// # impl Via for Names {
    /// #     type Key = String;
    /// #     fn register_name(&self, key: &String, pid: &Pid) -> bool {
    /// #         let mut map = self.0.lock().unwrap();
    /// #         if map.get(key).is_some_and(|p| p.is_alive()) { return false; }
    /// #         map.insert(key.clone(), pid.clone());
    /// #         true
    /// #     }
    /// #     fn unregister_name(&self, key: &String) { self.0.lock().unwrap().remove(key); }
    /// #     fn whereis_name(&self, key: &String) -> Option<Pid> {
    /// #         self.0.lock().unwrap().get(key).filter(|p| p.is_alive()).cloned()
    /// #     }
    /// # }
    ///
    /// // `Names` is the registry of the trait's example.
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let frodo = Name::via(Names::default(), "frodo".to_string());
    ///         process::register(frodo.clone(), process::self_pid()).unwrap();
    ///         // Elixir: Names.unregister_name("frodo"), reached through Process.unregister
    ///         assert!(process::unregister(frodo.clone()));
    ///         assert_eq!(process::whereis(&frodo), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn unregister_name(&self, key: &Self::Key);

    /// The live process named `key`, if any.
    ///
    /// ```
    /// use otp_core::{ExitReason, Mailbox, Name, Node, process};
    /// # use std::collections::HashMap;
    /// # use std::sync::{Arc, Mutex};
    /// # use otp_core::{Pid, Via};
    /// # #[derive(Clone, Default)]
    /// # struct Names(Arc<Mutex<HashMap<String, Pid>>>);
    /// # impl Via for Names {
    /// #     type Key = String;
    /// #     fn register_name(&self, key: &String, pid: &Pid) -> bool {
    /// #         let mut map = self.0.lock().unwrap();
    /// #         if map.get(key).is_some_and(|p| p.is_alive()) { return false; }
    /// #         map.insert(key.clone(), pid.clone());
    /// #         true
    /// #     }
    /// #     fn unregister_name(&self, key: &String) { self.0.lock().unwrap().remove(key); }
    /// #     fn whereis_name(&self, key: &String) -> Option<Pid> {
    /// #         self.0.lock().unwrap().get(key).filter(|p| p.is_alive()).cloned()
    /// #     }
    /// # }
    ///
    /// // `Names` is the registry of the trait's example; its whereis_name skips dead processes.
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let frodo = Name::via(Names::default(), "frodo".to_string());
    ///         let holder = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         process::register(frodo.clone(), &holder).unwrap();
    ///         // Elixir: GenServer.whereis({:via, Names, "frodo"})
    ///         assert_eq!(process::whereis(&frodo), Some(holder.pid()));
    ///         process::exit(&holder.pid(), ExitReason::Kill);
    ///         holder.pid().wait_exit().await;
    ///         assert_eq!(process::whereis(&frodo), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn whereis_name(&self, key: &Self::Key) -> Option<Pid>;

    /// Sends `msg` to the process named `key`.
    ///
    /// ```
    /// use otp_core::process::{self, SendError};
    /// use otp_core::{Mailbox, Name, Node, Pid, Via};
    /// use std::collections::HashMap;
    /// use std::sync::{Arc, Mutex};
    ///
    /// #[derive(Clone, Default)]
    /// struct Names(Arc<Mutex<HashMap<String, Pid>>>);
    ///
    /// impl Via for Names {
    ///     type Key = String;
    ///     fn register_name(&self, key: &String, pid: &Pid) -> bool {
    ///         self.0.lock().unwrap().insert(key.clone(), pid.clone()).is_none()
    ///     }
    ///     fn unregister_name(&self, key: &String) {
    ///         self.0.lock().unwrap().remove(key);
    ///     }
    ///     fn whereis_name(&self, key: &String) -> Option<Pid> {
    ///         self.0.lock().unwrap().get(key).filter(|p| p.is_alive()).cloned()
    ///     }
    ///     // `send` keeps its default: look the key up, deliver to that process.
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names = Names::default();
    ///         let sam = process::spawn(|_inbox: Mailbox<u32>| std::future::pending());
    ///         process::register(Name::via(names.clone(), "sam".to_string()), &sam).unwrap();
    ///         // Elixir: send({:via, Names, "sam"}, 1)
    ///         let sent = process::send_named(&Name::via(names.clone(), "sam".to_string()), 1u32);
    ///         assert_eq!(sent, Ok(()));
    ///         assert_eq!(process::message_queue_len(&sam), 1);
    ///         let nobody = process::send_named(&Name::via(names, "frodo".to_string()), 1u32);
    ///         assert_eq!(nobody, Err(SendError::NoProc));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn send(&self, key: &Self::Key, msg: AnyMessage) -> Result<(), SendError> {
        match self.whereis_name(key) {
            Some(pid) => msg.deliver(&pid),
            None => Err(SendError::NoProc),
        }
    }

    /// Where the process named `key` runs when that is another node: its local name there,
    /// and the node, Elixir's `{name, node}`. Calls, casts and sends through the via name then
    /// go to that node, which finds the process in its own name table; a registry that knows
    /// which node runs a name, but not the pid, answers here. `None` (the default) for every
    /// key this registry resolves on this node with [`Via::whereis_name`].
    ///
    /// ```
    /// use otp_core::{Atom, Name, Pid, Via};
    ///
    /// /// Every name lives on node b.
    /// struct OnB;
    ///
    /// impl Via for OnB {
    ///     type Key = Atom;
    ///     fn register_name(&self, _key: &Atom, _pid: &Pid) -> bool {
    ///         false
    ///     }
    ///     fn unregister_name(&self, _key: &Atom) {}
    ///     fn whereis_name(&self, _key: &Atom) -> Option<Pid> {
    ///         None
    ///     }
    ///     fn whereis_remote(&self, key: &Atom) -> Option<(Atom, Atom)> {
    ///         Some((key.clone(), Atom::from("b@127.0.0.1")))
    ///     }
    /// }
    ///
    /// let superman = Name::via(OnB, Atom::from("superman"));
    /// if let Name::Via(via) = &superman {
    ///     // GenServer.call(superman, :say) goes to {:superman, :"b@127.0.0.1"}.
    ///     assert_eq!(via.whereis_remote(), Some(Name::remote("superman", "b@127.0.0.1")));
    /// }
    /// ```
    fn whereis_remote(&self, key: &Self::Key) -> Option<(Atom, Atom)> {
        let _ = key;
        None
    }

    /// How a name in this registry prints in crash reports and errors.
    ///
    /// ```
    /// use otp_core::{Name, Pid, Via};
    ///
    /// struct Names;
    ///
    /// impl Via for Names {
    ///     type Key = String;
    ///     fn register_name(&self, _key: &String, _pid: &Pid) -> bool {
    ///         false
    ///     }
    ///     fn unregister_name(&self, _key: &String) {}
    ///     fn whereis_name(&self, _key: &String) -> Option<Pid> {
    ///         None
    ///     }
    /// }
    ///
    /// // By default a via name prints as Elixir's tuple, with the registry's type as the module.
    /// assert_eq!(Name::via(Names, "sam".to_string()).to_string(), "{:via, Names, \"sam\"}");
    /// ```
    fn describe(&self, key: &Self::Key) -> String {
        let module = type_name::<Self>().rsplit("::").next().unwrap_or("Via");
        format!("{{:via, {module}, {key:?}}}")
    }
}

/// A via name: a registry and a key, with the registry's type erased.
#[derive(Clone)]
pub struct ViaName(pub(crate) Arc<dyn ViaKey>);

pub(crate) trait ViaKey: Send + Sync {
    fn register(&self, pid: &Pid) -> bool;
    fn unregister(&self);
    fn whereis(&self) -> Option<Pid>;
    fn send(&self, msg: AnyMessage) -> Result<(), SendError>;
    fn whereis_remote(&self) -> Option<(Atom, Atom)>;
    fn describe(&self) -> String;
}

struct ViaEntry<R: Via> {
    registry: R,
    key: R::Key,
}

impl<R: Via> ViaKey for ViaEntry<R> {
    fn register(&self, pid: &Pid) -> bool {
        self.registry.register_name(&self.key, pid)
    }
    fn unregister(&self) {
        self.registry.unregister_name(&self.key)
    }
    fn whereis(&self) -> Option<Pid> {
        self.registry.whereis_name(&self.key)
    }
    fn send(&self, msg: AnyMessage) -> Result<(), SendError> {
        self.registry.send(&self.key, msg)
    }
    fn whereis_remote(&self) -> Option<(Atom, Atom)> {
        self.registry.whereis_remote(&self.key)
    }
    fn describe(&self) -> String {
        self.registry.describe(&self.key)
    }
}

impl ViaName {
    /// The live process this name stands for, as the registry answers.
    ///
    /// ```
    /// use otp_core::registry::{Options, Registry};
    /// use otp_core::{Name, Node, process};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let rooms: Registry<String, ()> =
    ///             Registry::start_link(Options::unique()).await.unwrap();
    ///         let lobby = Name::via(rooms, "lobby".to_string());
    ///         process::register(lobby.clone(), process::self_pid()).unwrap();
    ///         if let Name::Via(via) = &lobby {
    ///             assert_eq!(via.whereis(), Some(process::self_pid()));
    ///         }
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn whereis(&self) -> Option<Pid> {
        self.0.whereis()
    }

    /// The name on another node this name stands for, when the registry says the process runs
    /// there (see [`Via::whereis_remote`]): always a [`Name::Remote`].
    pub fn whereis_remote(&self) -> Option<Name> {
        self.0
            .whereis_remote()
            .map(|(name, node)| Name::Remote(name, node))
    }
}
