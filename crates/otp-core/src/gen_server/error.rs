//! What can go wrong when reaching, calling and stopping a server: [`CallError`],
//! [`StopError`] and [`WhereisError`]. ([`StartError`](crate::gen_server::StartError), which
//! the supervisors' child specs share, lives with them in `child_spec.rs`.)
//!
//! Uses exit reasons, names and pids.

use crate::atom::Atom;
use crate::exit::ExitReason;
use crate::name::Name;
use crate::pid::Pid;
use crate::term::TermError;

/// Why a call failed: Elixir's `exit` reasons of `GenServer.call`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CallError {
    /// `:noproc`: the server is not alive, or no process has the name. Returned at once.
    #[error(
        "no process: the process is not alive or there's no process currently associated with the given name"
    )]
    NoProc,
    /// `:timeout`: no reply in time. Nothing is left behind: a late reply is dropped.
    #[error("time out: no reply within the timeout")]
    Timeout,
    /// `:calling_self`: a server called itself (or asked for its own state), which could only
    /// deadlock. Returned at once.
    #[error("process attempted to call itself")]
    CallingSelf,
    /// The server exited before replying; its exit reason.
    #[error("the server exited: {0}")]
    Exit(ExitReason),
    /// The function given to [`inspect`](crate::gen_server::inspect),
    /// [`get_state`](crate::gen_server::get_state) or
    /// [`replace_state`](crate::gen_server::replace_state) failed (OTP's
    /// `{:callback_failed, ...}`): the server lives on, its state as it was.
    #[error("the state function failed: {0}")]
    CallbackFailed(ExitReason),
    /// The destination is a process of another kind.
    #[error("{pid} is not a GenServer of type {expected}")]
    WrongKind {
        /// The process found.
        pid: Pid,
        /// The server type asked for.
        expected: &'static str,
    },
    /// `{:nodedown, node}`: the server's node could not be reached, or the connection to it
    /// was lost before the reply came.
    #[error("no connection to node {0}")]
    NodeDown(Atom),
    /// The server is on another node, and its type does not take messages from other nodes
    /// (see `GenServer::remote`).
    #[error("{0} does not opt in to messages between nodes (GenServer::remote)")]
    NotRemote(&'static str),
    /// The reply from another node is not a `Reply` of the server's type. (A server of this
    /// runtime answers a request it could not read with `{:error, {:bad_request, why}}`.)
    #[error("the reply does not fit: {0}")]
    BadReply(TermError),
}

/// Why [`stop`](crate::gen_server::stop) did not see the server stop as asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StopError {
    /// The server was not alive.
    #[error("no process")]
    NoProc,
    /// The server did not exit in time.
    #[error("the server did not stop within the timeout")]
    Timeout,
    /// `:calling_self`: a server asked to stop itself, which could only wait for ever (Elixir's
    /// `GenServer.stop` exits with `{:calling_self, ...}`). A server stops itself by returning
    /// a stop result instead.
    #[error("process attempted to stop itself with stop/3 (return a stop result instead)")]
    CallingSelf,
    /// The server exited with another reason (its `terminate` panicked, say).
    #[error("the server exited with {0}")]
    Exit(ExitReason),
    /// The destination is a process of another kind.
    #[error("{pid} is not a GenServer of type {expected}")]
    WrongKind {
        /// The process found.
        pid: Pid,
        /// The server type asked for.
        expected: &'static str,
    },
}

/// Why [`whereis`](crate::gen_server::whereis) found no server of the wanted type.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WhereisError {
    /// No live process has the name.
    #[error("no process is registered under {0}")]
    NotFound(Name),
    /// The name is held by a process of another kind.
    #[error(
        "{name} is held by {holder}, which is not a GenServer of type {expected} (its messages are {actual})"
    )]
    WrongKind {
        /// The name.
        name: Name,
        /// The process holding it.
        holder: Pid,
        /// The server type asked for.
        expected: &'static str,
        /// The message type of the process found.
        actual: &'static str,
    },
}
