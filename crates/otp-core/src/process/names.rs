//! Registered names: [`register`], [`unregister`], [`whereis`], [`registered`], and
//! [`send_named`], sending to a name. Local and global names live in the node's tables and in
//! the holder's core (so that they are freed when it exits); via names are kept by their
//! registry.
//!
//! Uses the core ([`super::core`]), the current process ([`super::current_process`]), the
//! node, names, pids and messages.

use std::any::{Any, TypeId};

use crate::atom::Atom;
use crate::message::{AnyMessage, SendError};
use crate::name::Name;
use crate::node::Node;
use crate::pid::Pid;
use crate::sync::{lock, read, write};
use crate::term::Term;

use super::current_process::{current, current_node};

/// Why [`register`] failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegisterError {
    /// The name is held by a live process.
    #[error("name {name} is already registered to {holder}")]
    Taken {
        /// The name.
        name: Name,
        /// The process holding it.
        holder: Pid,
    },
    /// The process to name has exited.
    #[error("no process: {0} is not alive")]
    NoProc(Pid),
    /// A via registry refused the name while no process holds it (a duplicate-keys
    /// [`crate::registry::Registry`] refuses every via name, for one).
    #[error("the registry refused the name {0}")]
    Refused(Name),
    /// `nil`, `false`, `true` and `:undefined` are not names: Elixir's `Process.register/2`
    /// refuses them (`whereis` answers `nil` or `:undefined` for "nobody").
    #[error("{0} cannot be registered: nil, false, true and :undefined are not names")]
    InvalidName(Name),
    /// The process already has a local name (a process has at most one, as in OTP).
    #[error("{pid} is already registered as {name}")]
    AlreadyNamed {
        /// The process.
        pid: Pid,
        /// Its name.
        name: Name,
    },
}

/// `Process.register/2`: names `pid`. Works for local, global and via names.
///
/// Registering a taken name is an error that names the holder; a name is freed when its process
/// exits, so a dead holder never blocks a new registration.
///
/// ```
/// use otp_core::process::{self, RegisterError};
/// use otp_core::{ExitReason, Mailbox, Name, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         // Elixir: Process.register(worker, :worker) (here the name comes first)
///         process::register("worker", &worker).unwrap();
///         assert_eq!(process::whereis(&Name::local("worker")), Some(worker.pid()));
///         // The name is taken while its holder lives...
///         let other = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         let taken = process::register("worker", &other);
///         assert!(matches!(taken, Err(RegisterError::Taken { .. })));
///         // ...and free again once it has exited.
///         process::exit(&worker.pid(), ExitReason::Kill);
///         worker.pid().wait_exit().await;
///         process::register("worker", &other).unwrap();
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn register(name: impl Into<Name>, pid: impl Into<Pid>) -> Result<(), RegisterError> {
    let name = name.into();
    let pid = pid.into();
    register_name(&pid.node(), &name, &pid)
}

pub(crate) fn register_name(node: &Node, name: &Name, pid: &Pid) -> Result<(), RegisterError> {
    if name.is_reserved() {
        return Err(RegisterError::InvalidName(name.clone()));
    }
    match name {
        Name::Local(atom) | Name::Global(atom) => {
            let table = match name {
                Name::Local(_) => &node.inner().locals,
                _ => &node.inner().globals,
            };
            let mut map = write(table);
            if let Some(holder) = map.get(atom) {
                if holder.is_alive() && holder != pid {
                    return Err(RegisterError::Taken {
                        name: name.clone(),
                        holder: holder.clone(),
                    });
                }
                if holder == pid {
                    return Ok(());
                }
            }
            {
                let mut inner = lock(&pid.core().inner);
                // Marked dead under this lock.
                if pid.core().is_dead() {
                    return Err(RegisterError::NoProc(pid.clone()));
                }
                if matches!(name, Name::Local(_))
                    && let Some(existing) = inner.local_name()
                {
                    return Err(RegisterError::AlreadyNamed {
                        pid: pid.clone(),
                        name: existing.clone(),
                    });
                }
                inner.extras().names.push(name.clone());
            }
            map.insert(atom.clone(), pid.clone());
            Ok(())
        }
        // A name on another node is that node's to give.
        Name::Remote(..) => Err(RegisterError::Refused(name.clone())),
        Name::Via(via) => {
            if !pid.is_alive() {
                return Err(RegisterError::NoProc(pid.clone()));
            }
            if via.0.register(pid) {
                Ok(())
            } else {
                match via.0.whereis() {
                    Some(holder) => Err(RegisterError::Taken {
                        name: name.clone(),
                        holder,
                    }),
                    // Refused but nobody holds it: the registry said no for its own reasons.
                    None => Err(RegisterError::Refused(name.clone())),
                }
            }
        }
    }
}

pub(super) fn release_name(node: &Node, name: &Name, pid: &Pid) {
    let table = match name {
        Name::Local(_) => &node.inner().locals,
        Name::Global(_) => &node.inner().globals,
        Name::Via(_) | Name::Remote(..) => return,
    };
    let (Name::Local(atom) | Name::Global(atom)) = name else {
        return;
    };
    let mut map = write(table);
    if map.get(atom).is_some_and(|holder| holder == pid) {
        map.remove(atom);
    }
}

/// `Process.unregister/1`: frees a name. Returns `false` if no process had it.
///
/// ```
/// use otp_core::{Mailbox, Name, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<()>| std::future::pending());
///         process::register("worker", &worker).unwrap();
///         // Elixir: Process.unregister(:worker)
///         assert!(process::unregister("worker"));
///         assert_eq!(process::whereis(&Name::local("worker")), None);
///         assert!(!process::unregister("worker"), "nothing left to free");
///         assert!(worker.is_alive(), "the process keeps running, nameless");
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process.
pub fn unregister(name: impl Into<Name>) -> bool {
    let name = name.into();
    match &name {
        Name::Via(via) => {
            let had = via.0.whereis().is_some();
            via.0.unregister();
            had
        }
        Name::Remote(..) => false,
        Name::Local(atom) | Name::Global(atom) => {
            let node = current_node();
            let table = if matches!(name, Name::Local(_)) {
                &node.inner().locals
            } else {
                &node.inner().globals
            };
            let removed = write(table).remove(atom);
            match removed {
                Some(pid) => {
                    if let Some(extras) = lock(&pid.core().inner).extras_mut() {
                        extras.names.retain(|n| n != &name);
                    }
                    true
                }
                None => false,
            }
        }
    }
}

/// `Process.whereis/1` and `GenServer.whereis/1`: the live process with this name, if any.
///
/// A [`Name::Remote`] is found only when its node is this one: finding a pid on another node
/// would take a round trip (calls, casts and sends to the name go there directly instead).
///
/// ```
/// use otp_core::{Name, Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         // Elixir: Process.whereis(:nobody) #=> nil
///         assert_eq!(process::whereis(&Name::local("nobody")), None);
///         process::register("shell", process::self_pid()).unwrap();
///         assert_eq!(process::whereis(&Name::local("shell")), Some(process::self_pid()));
///         // A global name lives in a table of its own.
///         assert_eq!(process::whereis(&Name::global("shell")), None);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// # Panics
/// For a local or global name, outside a process (use [`Node::whereis`] there).
pub fn whereis(name: &Name) -> Option<Pid> {
    match name {
        Name::Via(via) => via.0.whereis(),
        Name::Local(atom) => {
            let node = current_node();
            node.whereis(atom.clone()).filter(|p| p.is_alive())
        }
        Name::Global(atom) => {
            let node = current_node();
            read(&node.inner().globals)
                .get(atom)
                .filter(|p| p.is_alive())
                .cloned()
        }
        Name::Remote(atom, at) => {
            let node = current_node();
            if node.name() == *at {
                node.whereis(atom.clone()).filter(|p| p.is_alive())
            } else {
                None
            }
        }
    }
}

/// `Process.registered/0`: the local names in use on the caller's node.
///
/// ```
/// use otp_core::{Node, process};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         process::register("shell", process::self_pid()).unwrap();
///         // Elixir: Process.registered()
///         assert_eq!(process::registered(), ["shell"]);
///     })
///     .await
///     .unwrap();
/// # });
/// ```
pub fn registered() -> Vec<Atom> {
    current_node().registered()
}

/// `send(name, msg)`: looks `name` up (local, global or via; a via name goes through its
/// registry's `send`) and delivers `msg` to a process whose messages are `M`. Unlike sending
/// to an [`Addr`], the name may be unknown: that is [`SendError::NoProc`], where Elixir raises.
///
/// [`Addr`]: crate::process::Addr
///
/// ```
/// use otp_core::process::{self, SendError};
/// use otp_core::{Mailbox, Name, Node};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// Node::new()
///     .run(async {
///         let worker = process::spawn(|_inbox: Mailbox<u32>| std::future::pending());
///         process::register("worker", &worker).unwrap();
///         // Elixir: send(:worker, 7)
///         assert_eq!(process::send_named(&Name::local("worker"), 7u32), Ok(()));
///         assert_eq!(process::message_queue_len(&worker), 1);
///         // An unknown name is an error here, where Elixir raises.
///         assert_eq!(process::send_named(&Name::local("nobody"), 7u32), Err(SendError::NoProc));
///     })
///     .await
///     .unwrap();
/// # });
/// ```
///
/// A name on another node ([`Name::Remote`], or a via name whose registry says the process runs
/// elsewhere) takes a [`Term`], which goes to that node (`REG_SEND`), with the `dist` feature
/// on a distributed node; as on the BEAM, it is dropped if the node cannot be reached. A message
/// of another type cannot leave this node: [`SendError::NotATerm`].
///
/// # Panics
/// For a local, global or remote name, outside a process.
pub fn send_named<M: Send + 'static>(name: &Name, msg: M) -> Result<(), SendError> {
    match name {
        Name::Via(via) => {
            if TypeId::of::<M>() == TypeId::of::<Term>()
                && let Some((atom, node)) = via.0.whereis_remote()
            {
                return send_remote(&atom, &node, msg);
            }
            via.0.send(AnyMessage::new(msg))
        }
        Name::Remote(atom, node) if current_node().name() != *node => send_remote(atom, node, msg),
        _ => match whereis(name) {
            Some(pid) => AnyMessage::new(msg).deliver(&pid),
            None => Err(SendError::NoProc),
        },
    }
}

/// `send({name, node}, msg)` to another node: only a term can go.
fn send_remote<M: Send + 'static>(name: &Atom, node: &Atom, msg: M) -> Result<(), SendError> {
    let boxed: Box<dyn Any + Send> = Box::new(msg);
    let Ok(term) = boxed.downcast::<Term>() else {
        return Err(SendError::NotATerm {
            given: std::any::type_name::<M>(),
        });
    };
    let local = current_node();
    let Some(dist) = local.distribution() else {
        return Err(SendError::NoProc);
    };
    let from = current();
    dist.send_named(from.as_ref(), name, node, *term);
    Ok(())
}
