//! The handle to a running server: [`ServerRef`], typed by the server's type, and the
//! messages its mailbox holds ([`GenMsg`]: calls, casts, infos, stops, and functions run on
//! the state).
//!
//! Uses the behaviour ([`super::behaviour`]), typed handles of `process`, timers (a timer can
//! send to a server) and pids.

use std::fmt;
use std::hash::{Hash, Hasher};

use crate::exit::ExitReason;
use crate::message::SendError;
use crate::pid::Pid;
use crate::process::{self, Addr};
use crate::timer::Target;

use super::behaviour::GenServer;
use super::caller::RemoteFrom;
use super::reply::ReplySender;

/// The messages a GenServer's mailbox holds. Not for use outside the runtime.
#[doc(hidden)]
pub enum GenMsg<S: GenServer> {
    Call(S::Call, ReplySender<S::Reply>, Option<u64>),
    /// A call from another node (boxed: rare, and the mailbox's slots stay small).
    RemoteCall(S::Call, Box<RemoteFrom>),
    Cast(S::Cast),
    Info(S::Info),
    /// `GenServer.stop` (boxed: once per server, and the mailbox's slots stay small).
    Stop(Box<ExitReason>),
    Sys(SysFn<S>),
}

#[doc(hidden)]
pub type SysFn<S> = Box<dyn FnOnce(&mut S) + Send>;

/// A typed handle to a running GenServer of type `S`: what [`start_link`] returns.
///
/// It prints as the server's pid. Calls and casts through it cost no lookup.
///
/// [`start_link`]: crate::gen_server::start_link
pub struct ServerRef<S: GenServer> {
    pub(super) addr: Addr<GenMsg<S>>,
}

impl<S: GenServer> Clone for ServerRef<S> {
    fn clone(&self) -> Self {
        ServerRef {
            addr: self.addr.clone(),
        }
    }
}

impl<S: GenServer> ServerRef<S> {
    /// The server's pid.
    ///
    /// ```
    /// use otp_core::Node;
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
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
    ///         assert_eq!(idle.pid().to_string(), "#PID<0.101.0>");
    ///         assert_eq!(idle.to_string(), "#PID<0.101.0>");
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn pid(&self) -> Pid {
        self.addr.pid()
    }

    /// `true` until the server has exited.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options};
    /// use otp_core::{ExitReason, Node};
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
    ///         assert!(idle.is_alive());
    ///         gen_server::stop(&idle, ExitReason::Normal, 5000).await.unwrap();
    ///         assert!(!idle.is_alive());
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn is_alive(&self) -> bool {
        self.addr.is_alive()
    }

    /// A handle to the process `pid` if it is a GenServer of type `S`.
    ///
    /// ```
    /// use otp_core::gen_server::{self, GenServer, Init, Options, ServerRef};
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
    ///         let idle = gen_server::start_link::<Idle>((), Options::new()).await.unwrap();
    ///         // A plain pid (from which_children, a registry...) back to a typed handle.
    ///         assert_eq!(ServerRef::<Idle>::from_pid(&idle.pid()), Some(idle.clone()));
    ///         let plain = process::spawn(|_inbox: Mailbox<()>| async {});
    ///         assert_eq!(ServerRef::<Idle>::from_pid(&plain.pid()), None);
    ///     })
    ///     .await
    ///     .unwrap();
    /// # });
    /// ```
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        Addr::from_pid(pid).map(|addr| ServerRef { addr })
    }

    #[inline]
    pub(super) fn push(&self, msg: GenMsg<S>) -> Result<(), SendError> {
        self.addr
            .shared
            .push(process::Slot::Msg(msg))
            .map_err(|_| SendError::NoProc)
    }
}

impl<S: GenServer> PartialEq for ServerRef<S> {
    fn eq(&self, other: &Self) -> bool {
        self.addr == other.addr
    }
}

impl<S: GenServer> Eq for ServerRef<S> {}

impl<S: GenServer> Hash for ServerRef<S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.pid().hash(state)
    }
}

impl<S: GenServer> fmt::Display for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<S: GenServer> fmt::Debug for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<S: GenServer> From<&ServerRef<S>> for Pid {
    fn from(s: &ServerRef<S>) -> Pid {
        s.pid()
    }
}

impl<S: GenServer> From<ServerRef<S>> for Pid {
    fn from(s: ServerRef<S>) -> Pid {
        s.pid()
    }
}

impl<S: GenServer> Target<S::Info> for ServerRef<S> {
    fn deliver(&self, msg: S::Info) -> bool {
        self.push(GenMsg::Info(msg)).is_ok()
    }

    fn target_pid(&self) -> Option<Pid> {
        Some(self.pid())
    }
}
