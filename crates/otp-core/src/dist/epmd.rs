//! EPMD, the Erlang Port Mapper Daemon: the name service of a host's nodes.
//!
//! A node that accepts connections registers its name and listening port with the EPMD of its
//! host and keeps that connection open for as long as it lives (EPMD forgets it when the
//! connection closes); EPMD answers with the node's creation. A node that connects asks the
//! EPMD of the peer's host for the peer's port. The requests are `erl_dist`'s EPMD client, run
//! on tokio through `tokio-util`'s compat layer.

use std::net::SocketAddr;
use std::time::Duration;

use erl_dist::epmd::{EpmdClient, NodeEntry};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

/// EPMD's port when `ERL_EPMD_PORT` does not say otherwise.
pub const DEFAULT_PORT: u16 = 4369;

/// The EPMD port this node uses: `ERL_EPMD_PORT` if set to a port number, else 4369, as
/// `erl` does.
///
/// ```
/// let port = otp_core::dist::epmd::port();
/// assert!(port > 0);
/// ```
pub fn port() -> u16 {
    std::env::var("ERL_EPMD_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(DEFAULT_PORT)
}

/// What went wrong talking to EPMD.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpmdError {
    /// No EPMD answers, and starting one with `epmd -daemon` did not help.
    #[error("no EPMD answers on {addr}, and `epmd -daemon` could not start one: {detail}")]
    Unavailable {
        /// Where EPMD was expected.
        addr: SocketAddr,
        /// What went wrong.
        detail: String,
    },
    /// EPMD refused the registration, most often because a node of that name is registered.
    #[error(
        "EPMD refused to register {name} (code {code}): is a node of that name already running?"
    )]
    NameTaken {
        /// The name part of the node name.
        name: String,
        /// EPMD's result code.
        code: u8,
    },
    /// EPMD does not know the node.
    #[error("EPMD on {host} knows no node called {name}")]
    UnknownNode {
        /// The name part.
        name: String,
        /// The host asked.
        host: String,
    },
    /// The node speaks an older distribution protocol than version 6 (OTP 23).
    #[error("{name} speaks distribution protocol {highest} at best; version 6 (OTP 23+) is needed")]
    TooOld {
        /// The name part.
        name: String,
        /// Its highest version.
        highest: u16,
    },
    /// Any other failure of the exchange.
    #[error("EPMD request failed: {0}")]
    Protocol(String),
}

/// A live registration: EPMD keeps the name while this is held, and drops it when this is
/// dropped.
#[derive(Debug)]
pub struct Registration {
    _connection: Compat<TcpStream>,
    creation: u32,
}

impl Registration {
    /// The creation EPMD gave the node.
    pub fn creation(&self) -> u32 {
        self.creation
    }
}

async fn connect(addr: SocketAddr) -> std::io::Result<TcpStream> {
    TcpStream::connect(addr).await
}

/// Connects to the EPMD at `addr`, starting one with `epmd -daemon` (as `erl` does) when none
/// answers on this host. Waits up to `limit` for a freshly started one to come up.
pub async fn ensure_running(addr: SocketAddr, limit: Duration) -> Result<(), EpmdError> {
    if connect(addr).await.is_ok() {
        return Ok(());
    }
    let unavailable = |detail: String| EpmdError::Unavailable { addr, detail };
    if !addr.ip().is_loopback() {
        return Err(unavailable(
            "it is on another host; only a local EPMD is started".into(),
        ));
    }
    tracing::info!(%addr, "no EPMD answers; starting `epmd -daemon`");
    let status = std::process::Command::new("epmd")
        .arg("-daemon")
        .arg("-port")
        .arg(addr.port().to_string())
        .status()
        .map_err(|e| unavailable(format!("running `epmd`: {e}")))?;
    if !status.success() {
        return Err(unavailable(format!("`epmd -daemon` exited with {status}")));
    }
    // The daemon forks and binds in the background: wait for it to answer.
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match connect(addr).await {
            Ok(_) => return Ok(()),
            Err(e) if tokio::time::Instant::now() >= deadline => {
                return Err(unavailable(format!("it did not come up: {e}")));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// Registers `name` (the part before `@`) as a hidden node listening on `port` with the EPMD
/// at `addr`.
pub async fn register(addr: SocketAddr, name: &str, port: u16) -> Result<Registration, EpmdError> {
    let stream = connect(addr).await.map_err(|e| EpmdError::Unavailable {
        addr,
        detail: e.to_string(),
    })?;
    let client = EpmdClient::new(stream.compat());
    match client.register(NodeEntry::new_hidden(name, port)).await {
        Ok((connection, creation)) => Ok(Registration {
            _connection: connection,
            creation: creation.get(),
        }),
        Err(erl_dist::epmd::EpmdError::RegisterNodeError { code }) => Err(EpmdError::NameTaken {
            name: name.to_string(),
            code,
        }),
        Err(e) => Err(EpmdError::Protocol(e.to_string())),
    }
}

/// Asks the EPMD at `addr` (on `host`) for the distribution port of node `name`.
pub async fn lookup(addr: SocketAddr, host: &str, name: &str) -> Result<u16, EpmdError> {
    let stream = connect(addr).await.map_err(|e| EpmdError::Unavailable {
        addr,
        detail: e.to_string(),
    })?;
    let client = EpmdClient::new(stream.compat());
    match client.get_node(name).await {
        Ok(Some(entry)) if entry.highest_version < 6 => Err(EpmdError::TooOld {
            name: name.to_string(),
            highest: entry.highest_version,
        }),
        Ok(Some(entry)) => Ok(entry.port),
        Ok(None) => Err(EpmdError::UnknownNode {
            name: name.to_string(),
            host: host.to_string(),
        }),
        Err(e) => Err(EpmdError::Protocol(e.to_string())),
    }
}
