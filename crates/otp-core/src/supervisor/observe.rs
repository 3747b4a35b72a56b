//! What a supervisor tells an observer about itself: its settings, how often it has restarted
//! children, and each child's spec and restart count. [`crate::observer`] turns this into the
//! public tree, adding what the process table knows (queue lengths, registered names).

use std::time::Duration;

use tokio::time::Instant;

use super::core::{Intensity, Strategy};
use super::{ChildPid, ChildType, Restart, Supervisor, SupervisorError};
use crate::exit::Atom;
use crate::gen_server::{self, ToServer};
use crate::process::Timeout;

/// How long an observer waits for a supervisor's answer before giving up on it: long enough
/// for a supervisor in the middle of a restart, short enough that a live view never hangs.
pub(crate) const OBSERVE_TIMEOUT_MS: u64 = 5000;

/// A supervisor's answer to an observer. Not for use outside the runtime.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The strategy (a dynamic supervisor's is always one_for_one).
    pub strategy: Strategy,
    /// `max_restarts`.
    pub max_restarts: u32,
    /// `max_seconds`.
    pub max_seconds: u64,
    /// A dynamic supervisor's `max_children`.
    pub max_children: Option<usize>,
    /// Restarts since the supervisor started.
    pub restarts: u64,
    /// Restarts within the last `max_seconds`.
    pub recent_restarts: usize,
    /// The children, in start order.
    pub children: Vec<ChildSnapshot>,
}

/// One child in a [`Snapshot`]. Not for use outside the runtime.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct ChildSnapshot {
    /// Its id (`None` under a dynamic supervisor).
    pub id: Option<Atom>,
    /// Its pid, `:undefined` or `:restarting`.
    pub pid: ChildPid,
    /// Worker or supervisor.
    pub kind: ChildType,
    /// Its restart type.
    pub restart: Restart,
    /// How many times the supervisor has restarted it.
    pub restarts: u64,
}

/// The intensity settings and counts, read at `now`.
pub(crate) fn intensity_numbers(intensity: &Intensity, now: Instant) -> (u32, u64, usize) {
    (
        intensity.max_restarts(),
        intensity.period().as_secs(),
        intensity.count_at(now),
    )
}

impl Supervisor {
    pub(super) fn snapshot(&self) -> Snapshot {
        let (max_restarts, max_seconds, recent_restarts) =
            intensity_numbers(&self.intensity, Instant::now());
        Snapshot {
            strategy: self.strategy,
            max_restarts,
            max_seconds,
            max_children: None,
            restarts: self.restarts,
            recent_restarts,
            children: self
                .children
                .iter()
                .map(|c| ChildSnapshot {
                    id: Some(c.spec.id.clone()),
                    pid: c.pid.clone(),
                    kind: c.spec.kind,
                    restart: c.spec.restart,
                    restarts: c.restarts,
                })
                .collect(),
        }
    }
}

/// Asks a supervisor for its snapshot.
pub(crate) async fn snapshot(sup: impl ToServer<Supervisor>) -> Result<Snapshot, SupervisorError> {
    let timeout = Timeout::After(Duration::from_millis(OBSERVE_TIMEOUT_MS));
    match gen_server::call_timeout(sup, super::Request::Observe, timeout).await? {
        super::Response::Observed(s) => Ok(s),
        _ => unreachable!("the supervisor answers an observer with a snapshot"),
    }
}
