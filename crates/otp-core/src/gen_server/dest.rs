//! Where a call, cast or message goes: anything that resolves to a server ([`ToServer`]:
//! a handle, a pid, a name), [`Dest`], which holds any of them, and [`whereis`] and
//! [`self_ref`], which find a server's handle.
//!
//! Uses the handle ([`super::handle`]), the errors ([`super::error`]), the behaviour, names,
//! pids and the process registry of names.

use std::any::type_name;
use std::fmt;

use crate::exit::Atom;
use crate::name::{Name, ViaName};
use crate::pid::Pid;
use crate::process::{self, with_current};

use super::behaviour::GenServer;
use super::error::{CallError, WhereisError};
use super::handle::ServerRef;

/// Anything a call, cast or message can be addressed to: a [`ServerRef`], a [`Pid`], a
/// [`Name`], or a local name as a string or [`crate::Atom`]. References to any of these work
/// too, so `call(&server, msg)` costs no clone.
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, GenServer, Init, Options};
/// use otp_core::{Atom, Name, Node};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Counter(i64);
///
/// #[derive(Debug)]
/// struct Get;
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Get;
///     type Reply = i64;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<i64>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let counter =
///             gen_server::start_link::<Counter>(7, Options::new().name("counter")).await.unwrap();
///         // Elixir accepts a pid or a name in GenServer.call; so does every function here.
///         assert_eq!(gen_server::call(&counter, Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>(counter.pid(), Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>("counter", Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>(Name::local("counter"), Get).await, Ok(7));
///         assert_eq!(gen_server::call::<Counter>(Atom::from("counter"), Get).await, Ok(7));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub trait ToServer<S: GenServer> {
    /// The server this addresses, if it is alive and of type `S`.
    ///
    /// ```
    /// use otp_core::gen_server::{self, CallError, GenServer, Init, Options, ToServer};
    /// use otp_core::{Mailbox, Node, Pid, process};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Idle;
    ///
    /// impl GenServer for Idle {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Idle)
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let idle = gen_server::start_link::<Idle>((), Options::new()).await.unwrap();
    ///         let plain = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
    ///         let (server, other): (Pid, Pid) = (idle.pid(), plain.pid());
    ///         let resolved = <Pid as ToServer<Idle>>::to_server(&server).ok().map(|r| r.pid());
    ///         assert_eq!(resolved, Some(idle.pid()));
    ///         let wrong = <Pid as ToServer<Idle>>::to_server(&other);
    ///         assert!(matches!(wrong, Err(CallError::WrongKind { .. })));
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError>;

    /// The via name, if this is one (casts and messages go through the registry's `send`).
    ///
    /// ```
    /// use otp_core::gen_server::{GenServer, Init, ToServer};
    /// use otp_core::registry::{self, Registry};
    /// use otp_core::{Name, Node};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Idle;
    ///
    /// impl GenServer for Idle {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Idle)
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// Node::new()
    ///     .run(async {
    ///         let names: Registry<String, ()> =
    ///             Registry::start_link(registry::Options::unique()).await.unwrap();
    ///         let via = Name::via(names, "idle".to_string());
    ///         assert!(<Name as ToServer<Idle>>::via_name(&via).is_some());
    ///         assert!(<Name as ToServer<Idle>>::via_name(&Name::local("idle")).is_none());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    fn via_name(&self) -> Option<&ViaName> {
        None
    }

    /// Where this is, when that is another node: a pid of another node, a name on another node
    /// ([`Name::Remote`]), or a via name whose registry says the process runs elsewhere. `None`
    /// (the default) for a destination on this node. Calls, casts and messages to it then go
    /// over the wire (with the `dist` feature).
    ///
    /// ```
    /// use otp_core::gen_server::{GenServer, Init, RemoteDest, ToServer};
    /// use otp_core::{Name, Node};
    /// use std::convert::Infallible;
    ///
    /// #[derive(Debug)]
    /// struct Idle;
    ///
    /// impl GenServer for Idle {
    ///     type Arg = ();
    ///     type Call = Infallible;
    ///     type Reply = ();
    ///     type Cast = Infallible;
    ///     type Info = Infallible;
    ///     type Continue = Infallible;
    ///     async fn init(_: ()) -> Init<Self> {
    ///         Init::Ok(Idle)
    ///     }
    /// }
    ///
    /// let elsewhere = Name::remote("idle", "b@127.0.0.1");
    /// assert!(matches!(
    ///     <Name as ToServer<Idle>>::remote(&elsewhere),
    ///     Some(RemoteDest::Name(name, node)) if name == "idle" && node == "b@127.0.0.1"
    /// ));
    /// assert!(<Name as ToServer<Idle>>::remote(&Name::local("idle")).is_none());
    /// ```
    fn remote(&self) -> Option<RemoteDest> {
        None
    }
}

/// A destination on another node (see [`ToServer::remote`]).
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteDest {
    /// A process of another node.
    Pid(Pid),
    /// A registered name on a node: `{name, node}`.
    Name(Atom, Atom),
}

/// `{name, node}` as a destination: on another node unless `node` is the calling process's.
fn remote_name(name: &Atom, node: &Atom) -> Option<RemoteDest> {
    let here = with_current(|me| me.map(|me| me.node().name()));
    if here.as_ref() == Some(node) {
        None
    } else {
        Some(RemoteDest::Name(name.clone(), node.clone()))
    }
}

/// A resolved destination: borrowed when it was a handle already, owned after a lookup.
pub enum Resolved<'a, S: GenServer> {
    /// The caller's own handle.
    Borrowed(&'a ServerRef<S>),
    /// A handle found by a lookup.
    Owned(ServerRef<S>),
}

impl<S: GenServer> std::ops::Deref for Resolved<'_, S> {
    type Target = ServerRef<S>;
    fn deref(&self) -> &ServerRef<S> {
        match self {
            Resolved::Borrowed(r) => r,
            Resolved::Owned(r) => r,
        }
    }
}

impl<S: GenServer> ToServer<S> for ServerRef<S> {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        Ok(Resolved::Borrowed(self))
    }
}

impl<S: GenServer, T: ToServer<S> + ?Sized> ToServer<S> for &T {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        (**self).to_server()
    }
    fn via_name(&self) -> Option<&ViaName> {
        (**self).via_name()
    }
    #[inline]
    fn remote(&self) -> Option<RemoteDest> {
        (**self).remote()
    }
}

impl<S: GenServer> ToServer<S> for Pid {
    fn remote(&self) -> Option<RemoteDest> {
        (!self.is_local()).then(|| RemoteDest::Pid(self.clone()))
    }

    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        if !self.is_alive() {
            return Err(CallError::NoProc);
        }
        ServerRef::from_pid(self)
            .map(Resolved::Owned)
            .ok_or_else(|| CallError::WrongKind {
                pid: self.clone(),
                expected: type_name::<S>(),
            })
    }
}

impl<S: GenServer> ToServer<S> for Name {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        let pid = process::whereis(self).ok_or(CallError::NoProc)?;
        <Pid as ToServer<S>>::to_server(&pid).map(|r| Resolved::Owned(r.clone()))
    }
    fn via_name(&self) -> Option<&ViaName> {
        match self {
            Name::Via(v) => Some(v),
            _ => None,
        }
    }
    fn remote(&self) -> Option<RemoteDest> {
        match self {
            Name::Remote(name, node) => remote_name(name, node),
            Name::Via(via) => match via.whereis_remote() {
                Some(Name::Remote(name, node)) => remote_name(&name, &node),
                _ => None,
            },
            Name::Local(_) | Name::Global(_) => None,
        }
    }
}

/// `{name, node}`, as Elixir writes it for `GenServer.call({name, node}, request)`.
impl<S: GenServer> ToServer<S> for (&str, &str) {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        let name = Name::remote(self.0, self.1);
        let pid = process::whereis(&name).ok_or(CallError::NoProc)?;
        <Pid as ToServer<S>>::to_server(&pid).map(|r| Resolved::Owned(r.clone()))
    }
    fn remote(&self) -> Option<RemoteDest> {
        remote_name(&Atom::from(self.0), &Atom::from(self.1))
    }
}

/// `{name, node}` with atoms.
impl<S: GenServer> ToServer<S> for (Atom, Atom) {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        let name = Name::Remote(self.0.clone(), self.1.clone());
        let pid = process::whereis(&name).ok_or(CallError::NoProc)?;
        <Pid as ToServer<S>>::to_server(&pid).map(|r| Resolved::Owned(r.clone()))
    }
    fn remote(&self) -> Option<RemoteDest> {
        remote_name(&self.0, &self.1)
    }
}

impl<S: GenServer> ToServer<S> for str {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        let pid = process::whereis(&Name::from(self)).ok_or(CallError::NoProc)?;
        <Pid as ToServer<S>>::to_server(&pid).map(|r| Resolved::Owned(r.clone()))
    }
}

impl<S: GenServer> ToServer<S> for String {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        <str as ToServer<S>>::to_server(self.as_str())
    }
}

impl<S: GenServer> ToServer<S> for Atom {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        <str as ToServer<S>>::to_server(self.as_str())
    }
}

/// A destination to keep: a handle, a pid, or a name.
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, Dest, GenServer, Init, Options};
/// use otp_core::{Name, Node};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Counter(i64);
///
/// #[derive(Debug)]
/// struct Get;
///
/// impl GenServer for Counter {
///     type Arg = i64;
///     type Call = Get;
///     type Reply = i64;
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///
///     async fn init(start: i64) -> Init<Self> {
///         Init::Ok(Counter(start))
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<i64>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let counter =
///             gen_server::start_link::<Counter>(1, Options::new().name("counter")).await.unwrap();
///         // Destinations of different kinds, kept side by side.
///         let dests: Vec<Dest<Counter>> = vec![
///             counter.clone().into(),
///             counter.pid().into(),
///             "counter".into(),
///             Name::global("nobody").into(),
///         ];
///         assert_eq!(gen_server::call(&dests[0], Get).await, Ok(1));
///         assert_eq!(gen_server::call(&dests[1], Get).await, Ok(1));
///         assert_eq!(gen_server::call(&dests[2], Get).await, Ok(1));
///         assert!(gen_server::call(&dests[3], Get).await.is_err());
///         assert_eq!(dests[2].to_string(), ":counter");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub enum Dest<S: GenServer> {
    /// A handle.
    Ref(ServerRef<S>),
    /// A pid, checked to be a GenServer of type `S` at each use.
    Pid(Pid),
    /// A name, looked up at each use.
    Name(Name),
}

impl<S: GenServer> ToServer<S> for Dest<S> {
    fn to_server(&self) -> Result<Resolved<'_, S>, CallError> {
        match self {
            Dest::Ref(r) => r.to_server(),
            Dest::Pid(p) => p.to_server(),
            Dest::Name(n) => n.to_server(),
        }
    }
    fn via_name(&self) -> Option<&ViaName> {
        match self {
            Dest::Name(n) => <Name as ToServer<S>>::via_name(n),
            _ => None,
        }
    }
    fn remote(&self) -> Option<RemoteDest> {
        match self {
            Dest::Ref(_) => None,
            Dest::Pid(p) => <Pid as ToServer<S>>::remote(p),
            Dest::Name(n) => <Name as ToServer<S>>::remote(n),
        }
    }
}

impl<S: GenServer> Clone for Dest<S> {
    fn clone(&self) -> Self {
        match self {
            Dest::Ref(r) => Dest::Ref(r.clone()),
            Dest::Pid(p) => Dest::Pid(p.clone()),
            Dest::Name(n) => Dest::Name(n.clone()),
        }
    }
}

impl<S: GenServer> fmt::Display for Dest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dest::Ref(r) => write!(f, "{r}"),
            Dest::Pid(p) => write!(f, "{p}"),
            Dest::Name(n) => write!(f, "{n}"),
        }
    }
}

impl<S: GenServer> fmt::Debug for Dest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<S: GenServer> From<ServerRef<S>> for Dest<S> {
    fn from(r: ServerRef<S>) -> Self {
        Dest::Ref(r)
    }
}

impl<S: GenServer> From<Pid> for Dest<S> {
    fn from(p: Pid) -> Self {
        Dest::Pid(p)
    }
}

impl<S: GenServer> From<Name> for Dest<S> {
    fn from(n: Name) -> Self {
        Dest::Name(n)
    }
}

impl<S: GenServer> From<&str> for Dest<S> {
    fn from(n: &str) -> Self {
        Dest::Name(Name::from(n))
    }
}

/// `GenServer.whereis/1`, typed: the server of type `S` registered under `name`.
///
/// ```
/// use otp_core::gen_server::{self, GenServer, Init, Options, WhereisError};
/// use otp_core::{Mailbox, Node, process};
/// use std::convert::Infallible;
///
/// #[derive(Debug)]
/// struct Idle;
///
/// impl GenServer for Idle {
///     type Arg = ();
///     type Call = Infallible;
///     type Reply = ();
///     type Cast = Infallible;
///     type Info = Infallible;
///     type Continue = Infallible;
///     async fn init(_: ()) -> Init<Self> {
///         Init::Ok(Idle)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let idle =
///             gen_server::start_link::<Idle>((), Options::new().name("idle")).await.unwrap();
///         // Elixir: GenServer.whereis(:idle)
///         assert_eq!(gen_server::whereis::<Idle>("idle"), Ok(idle));
///         let missing = gen_server::whereis::<Idle>("nobody");
///         assert!(matches!(missing, Err(WhereisError::NotFound(_))));
///         // A name held by a process of another kind is an error too.
///         let plain = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         process::register("plain", &plain).unwrap();
///         let wrong = gen_server::whereis::<Idle>("plain");
///         assert!(matches!(wrong, Err(WhereisError::WrongKind { .. })));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process.
pub fn whereis<S: GenServer>(name: impl Into<Name>) -> Result<ServerRef<S>, WhereisError> {
    let name = name.into();
    let pid = process::whereis(&name).ok_or_else(|| WhereisError::NotFound(name.clone()))?;
    ServerRef::from_pid(&pid).ok_or_else(|| WhereisError::WrongKind {
        expected: type_name::<S>(),
        actual: pid.cell.message_type_name(),
        name,
        holder: pid,
    })
}

/// The calling process as a GenServer of type `S` (a server's own `self()`, typed, for timers
/// and for handing itself to others).
///
/// ```
/// use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Info, Init, Options};
/// use otp_core::{Node, process, timer};
/// use std::convert::Infallible;
///
/// /// Ticks once a second, counting.
/// #[derive(Debug)]
/// struct Ticker(u32);
///
/// #[derive(Debug)]
/// struct Tick;
///
/// #[derive(Debug)]
/// struct Get;
///
/// impl GenServer for Ticker {
///     type Arg = ();
///     type Call = Get;
///     type Reply = u32;
///     type Cast = Infallible;
///     type Info = Tick;
///     type Continue = Infallible;
///
///     async fn init(_: ()) -> Init<Self> {
///         // Elixir: Process.send_after(self(), :tick, 1000)
///         timer::send_after(&gen_server::self_ref::<Self>(), Tick, 1000);
///         Init::Ok(Ticker(0))
///     }
///
///     async fn handle_info(&mut self, msg: Info<Tick>) -> CastResult<Self> {
///         if let Info::Msg(Tick) = msg {
///             self.0 += 1;
///             timer::send_after(&gen_server::self_ref::<Self>(), Tick, 1000);
///         }
///         CastResult::NoReply
///     }
///
///     async fn handle_call(&mut self, Get: Get, _from: &Caller<u32>) -> CallResult<Self> {
///         CallResult::Reply(self.0)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let ticker = gen_server::start_link::<Ticker>((), Options::new()).await.unwrap();
///         process::sleep(3500).await;
///         assert_eq!(gen_server::call(&ticker, Get).await, Ok(3));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// Outside a GenServer of type `S`.
pub fn self_ref<S: GenServer>() -> ServerRef<S> {
    let me = process::self_pid();
    ServerRef::from_pid(&me).unwrap_or_else(|| {
        panic!(
            "self_ref::<{}> called from {me}, which is not a GenServer of that type",
            type_name::<S>()
        )
    })
}
