//! The supervisor's decisions, as pure functions with no tasks in them: what happens to a child
//! that exited, which children a strategy stops and starts again and in what order, and
//! whether a restart exceeds the restart intensity. The supervisor process carries them out.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::child_spec::Restart;
use crate::exit::{Atom, ExitReason};

/// How a supervisor reacts when one child must be restarted (Elixir's `:strategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Only the child that exited is restarted (the default).
    #[default]
    OneForOne,
    /// Every other child is stopped, then all are started again.
    OneForAll,
    /// The children started after the one that exited are stopped, then it and they are
    /// started again.
    RestForOne,
}

/// What becomes of a child that exited on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterExit {
    /// Restart it (and apply the strategy).
    Restart,
    /// Keep its spec, with no pid (`:undefined` in `which_children`).
    KeepStopped,
    /// Forget it: a temporary child leaves the supervisor when it exits.
    Remove,
}

/// OTP's rule: a permanent child is always restarted; a transient one only after an exit that
/// is not clean; a temporary one never, and it is removed.
///
/// ```
/// use otp_core::supervisor::core::{after_exit, AfterExit};
/// use otp_core::supervisor::Restart;
/// use otp_core::ExitReason;
/// assert_eq!(after_exit(Restart::Permanent, &ExitReason::Normal), AfterExit::Restart);
/// assert_eq!(after_exit(Restart::Transient, &ExitReason::Normal), AfterExit::KeepStopped);
/// assert_eq!(after_exit(Restart::Transient, &ExitReason::Killed), AfterExit::Restart);
/// assert_eq!(after_exit(Restart::Temporary, &ExitReason::panic("Boom")), AfterExit::Remove);
/// ```
pub fn after_exit(restart: Restart, reason: &ExitReason) -> AfterExit {
    match restart {
        Restart::Permanent => AfterExit::Restart,
        Restart::Transient if reason.is_clean() => AfterExit::KeepStopped,
        Restart::Transient => AfterExit::Restart,
        Restart::Temporary => AfterExit::Remove,
    }
}

/// The first id that two children share, if any: OTP's `check_startspec` refuses such a list
/// (`{:start_spec, {:duplicate_child_name, id}}`) before anything starts.
///
/// ```
/// use otp_core::Atom;
/// use otp_core::supervisor::core::duplicate_id;
///
/// let ids: Vec<Atom> = ["a", "b", "a"].map(Atom::from).to_vec();
/// assert_eq!(duplicate_id(&ids), Some(Atom::from("a")));
/// assert_eq!(duplicate_id(&ids[..2]), None);
/// ```
pub fn duplicate_id(ids: &[Atom]) -> Option<Atom> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.iter().find(|id| !seen.insert(*id)).cloned()
}

/// The children (by position in start order) a restart stops and starts again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// To stop, in this order: reverse start order.
    pub stop: Vec<usize>,
    /// Temporary children among those stopped: removed, never started again.
    pub remove: Vec<usize>,
    /// To start, in this order: start order.
    pub start: Vec<usize>,
}

/// Plans the restart of child `failed` (a position in `children`, which lists the children's
/// restart types in start order), as OTP does it: the other affected children are stopped in
/// reverse start order, then the affected children are started in start order, except the
/// temporary ones caught in the group, which are removed.
///
/// ```
/// use otp_core::supervisor::core::{plan, Strategy};
/// use otp_core::supervisor::Restart::{Permanent, Temporary};
/// let p = plan(Strategy::RestForOne, &[Permanent, Permanent, Temporary, Permanent], 1);
/// assert_eq!(p.stop, vec![3, 2]);
/// assert_eq!(p.remove, vec![2]);
/// assert_eq!(p.start, vec![1, 3]);
/// ```
pub fn plan(strategy: Strategy, children: &[Restart], failed: usize) -> Plan {
    let group: Vec<usize> = match strategy {
        Strategy::OneForOne => vec![failed],
        Strategy::OneForAll => (0..children.len()).collect(),
        Strategy::RestForOne => (failed..children.len()).collect(),
    };
    let stop: Vec<usize> = group
        .iter()
        .rev()
        .copied()
        .filter(|&i| i != failed)
        .collect();
    let remove: Vec<usize> = stop
        .iter()
        .copied()
        .filter(|&i| children[i] == Restart::Temporary)
        .collect();
    let start = group.into_iter().filter(|i| !remove.contains(i)).collect();
    Plan {
        stop,
        remove,
        start,
    }
}

/// The restart intensity: at most `max_restarts` restarts within any `max_seconds` window.
///
/// A restart at time `t` counts while `t >= now - period`, as in OTP. OTP counts in whole
/// seconds of its monotonic clock; this counts exact time on tokio's clock, so a test under a
/// paused clock sees the window's edge exactly where it expects it.
///
/// ```
/// use std::time::Duration;
/// use otp_core::supervisor::core::Intensity;
/// use tokio::time::Instant;
/// let t0 = Instant::now();
/// let mut i = Intensity::new(3, Duration::from_secs(5));
/// for k in 0..3 {
///     assert!(i.add(t0 + Duration::from_millis(200 * k)), "three restarts are allowed");
/// }
/// assert!(!i.add(t0 + Duration::from_millis(600)), "the fourth within 5 s is one too many");
/// ```
#[derive(Clone, Debug)]
pub struct Intensity {
    max_restarts: u32,
    period: Duration,
    restarts: VecDeque<Instant>,
}

impl Intensity {
    /// At most `max_restarts` restarts in any `period`.
    ///
    /// ```
    /// use otp_core::supervisor::core::Intensity;
    /// use std::time::Duration;
    ///
    /// // Elixir: max_restarts: 3, max_seconds: 5 (the defaults)
    /// let intensity = Intensity::new(3, Duration::from_secs(5));
    /// assert_eq!(intensity.count(), 0);
    /// ```
    pub fn new(max_restarts: u32, period: Duration) -> Self {
        Intensity {
            max_restarts,
            period,
            restarts: VecDeque::new(),
        }
    }

    /// Records a restart at `now`. Returns `false` when this restart is one too many: the
    /// supervisor must then give up.
    ///
    /// ```
    /// use otp_core::supervisor::core::Intensity;
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    ///
    /// let t0 = Instant::now();
    /// let mut intensity = Intensity::new(1, Duration::from_secs(5));
    /// assert!(intensity.add(t0));
    /// // A second restart within 5 s is one too many...
    /// assert!(!intensity.clone().add(t0 + Duration::from_secs(4)));
    /// // ...but not once the first has left the window.
    /// assert!(intensity.add(t0 + Duration::from_secs(6)));
    /// ```
    pub fn add(&mut self, now: Instant) -> bool {
        let threshold = now.checked_sub(self.period);
        while let Some(&oldest) = self.restarts.front() {
            if threshold.is_some_and(|t| oldest < t) {
                self.restarts.pop_front();
            } else {
                break;
            }
        }
        self.restarts.push_back(now);
        self.restarts.len() <= self.max_restarts as usize
    }

    /// Restarts counted in the window ending at the last one recorded.
    ///
    /// ```
    /// use otp_core::supervisor::core::Intensity;
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    ///
    /// let t0 = Instant::now();
    /// let mut intensity = Intensity::new(3, Duration::from_secs(5));
    /// intensity.add(t0);
    /// intensity.add(t0 + Duration::from_secs(1));
    /// assert_eq!(intensity.count(), 2);
    /// // Restarts older than the window are dropped as new ones come in.
    /// intensity.add(t0 + Duration::from_secs(10));
    /// assert_eq!(intensity.count(), 1);
    /// ```
    pub fn count(&self) -> usize {
        self.restarts.len()
    }

    /// Restarts that still count at `now`: those within the last `period`. Unlike [`add`],
    /// this only looks, so an observer can ask as often as it likes.
    ///
    /// [`add`]: Intensity::add
    ///
    /// ```
    /// use otp_core::supervisor::core::Intensity;
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    ///
    /// let t0 = Instant::now();
    /// let mut intensity = Intensity::new(3, Duration::from_secs(5));
    /// intensity.add(t0);
    /// intensity.add(t0 + Duration::from_secs(3));
    /// assert_eq!(intensity.count_at(t0 + Duration::from_secs(5)), 2, "the edge still counts");
    /// assert_eq!(intensity.count_at(t0 + Duration::from_secs(6)), 1);
    /// assert_eq!(intensity.count_at(t0 + Duration::from_secs(9)), 0);
    /// ```
    pub fn count_at(&self, now: Instant) -> usize {
        match now.checked_sub(self.period) {
            Some(threshold) => self.restarts.iter().filter(|&&t| t >= threshold).count(),
            None => self.restarts.len(),
        }
    }

    /// The most restarts allowed within the period (Elixir's `:max_restarts`).
    ///
    /// ```
    /// use otp_core::supervisor::core::Intensity;
    /// use std::time::Duration;
    ///
    /// let intensity = Intensity::new(3, Duration::from_secs(5));
    /// assert_eq!((intensity.max_restarts(), intensity.period()), (3, Duration::from_secs(5)));
    /// ```
    pub fn max_restarts(&self) -> u32 {
        self.max_restarts
    }

    /// The window restarts are counted in (Elixir's `:max_seconds`).
    ///
    /// ```
    /// use otp_core::supervisor::core::Intensity;
    /// use std::time::Duration;
    ///
    /// let intensity = Intensity::new(1, Duration::from_secs(10));
    /// assert_eq!(intensity.period().as_secs(), 10);
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Restart::*;
    use Strategy::*;

    #[test]
    fn after_exit_matches_the_otp_table() {
        let clean = [
            ExitReason::Normal,
            ExitReason::Shutdown,
            ExitReason::shutdown_with("bye"),
        ];
        let abnormal = [
            ExitReason::custom("custom"),
            ExitReason::panic("Boom"),
            ExitReason::Killed,
        ];
        for r in clean.iter().chain(&abnormal) {
            assert_eq!(after_exit(Permanent, r), AfterExit::Restart, "{r}");
            assert_eq!(after_exit(Temporary, r), AfterExit::Remove, "{r}");
        }
        for r in &clean {
            assert_eq!(after_exit(Transient, r), AfterExit::KeepStopped, "{r}");
        }
        for r in &abnormal {
            assert_eq!(after_exit(Transient, r), AfterExit::Restart, "{r}");
        }
    }

    #[test]
    fn one_for_one_touches_only_the_failed_child() {
        let p = plan(OneForOne, &[Permanent, Permanent, Permanent], 1);
        assert_eq!(
            p,
            Plan {
                stop: vec![],
                remove: vec![],
                start: vec![1]
            }
        );
    }

    #[test]
    fn one_for_all_stops_the_others_backwards_and_starts_all_forwards() {
        let p = plan(OneForAll, &[Permanent, Transient, Permanent], 0);
        assert_eq!(p.stop, vec![2, 1]);
        assert_eq!(p.remove, Vec::<usize>::new());
        assert_eq!(p.start, vec![0, 1, 2]);
        let p = plan(OneForAll, &[Permanent, Temporary, Permanent], 2);
        assert_eq!(p.stop, vec![1, 0]);
        assert_eq!(p.remove, vec![1]);
        assert_eq!(p.start, vec![0, 2]);
    }

    #[test]
    fn rest_for_one_covers_the_failed_child_and_those_after_it() {
        let p = plan(RestForOne, &[Permanent, Permanent, Permanent], 0);
        assert_eq!(p.stop, vec![2, 1]);
        assert_eq!(p.start, vec![0, 1, 2]);
        let p = plan(RestForOne, &[Permanent, Permanent, Permanent], 2);
        assert_eq!(
            p,
            Plan {
                stop: vec![],
                remove: vec![],
                start: vec![2]
            }
        );
    }

    /// Every plan, for every strategy, list of restart types up to length 5, and failed child,
    /// against a model written from the strategy's definition.
    #[test]
    fn plans_match_a_model_everywhere() {
        let kinds = [Permanent, Transient, Temporary];
        for len in 1..=5usize {
            let combos = 3usize.pow(len as u32);
            for c in 0..combos {
                let children: Vec<Restart> = (0..len)
                    .map(|i| kinds[(c / 3usize.pow(i as u32)) % 3])
                    .collect();
                for failed in 0..len {
                    for strategy in [OneForOne, OneForAll, RestForOne] {
                        let affected = |i: usize| match strategy {
                            OneForOne => i == failed,
                            OneForAll => true,
                            RestForOne => i >= failed,
                        };
                        let p = plan(strategy, &children, failed);
                        // Stopped: affected others, strictly decreasing.
                        assert!(p.stop.windows(2).all(|w| w[0] > w[1]));
                        for (i, kind) in children.iter().enumerate() {
                            let stopped = affected(i) && i != failed;
                            assert_eq!(p.stop.contains(&i), stopped);
                            let removed = stopped && *kind == Temporary;
                            assert_eq!(p.remove.contains(&i), removed);
                            assert_eq!(p.start.contains(&i), affected(i) && !removed);
                        }
                        // Started: strictly increasing, the failed child always among them.
                        assert!(p.start.windows(2).all(|w| w[0] < w[1]));
                        assert!(p.start.contains(&failed));
                    }
                }
            }
        }
    }

    #[test]
    fn the_window_slides_and_its_edge_is_inclusive() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut i = Intensity::new(3, Duration::from_secs(5));
        assert!(i.add(ms(0)));
        assert!(i.add(ms(1000)));
        assert!(i.add(ms(2000)));
        // At 5000 ms the restart at 0 ms is exactly at the edge and still counts: 4 > 3.
        assert!(!i.add(ms(5000)));
        let mut i = Intensity::new(3, Duration::from_secs(5));
        assert!(i.add(ms(0)));
        assert!(i.add(ms(1000)));
        assert!(i.add(ms(2000)));
        // A moment later it has slid out.
        assert!(i.add(ms(5001)));
        assert_eq!(i.count(), 3);
    }

    /// The intensity against a model that counts restarts in [now - period, now] directly.
    #[test]
    fn intensity_matches_a_model() {
        let t0 = Instant::now();
        // A deterministic sequence of gaps.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for max in 0..5u32 {
            let mut i = Intensity::new(max, Duration::from_millis(1000));
            let mut times = Vec::new();
            let mut now = t0;
            for _ in 0..200 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                now += Duration::from_millis(seed % 700);
                times.push(now);
                let in_window = times
                    .iter()
                    .filter(|&&t| t + Duration::from_millis(1000) >= now)
                    .count();
                let allowed = i.add(now);
                assert_eq!(allowed, in_window <= max as usize);
                if !allowed {
                    // A supervisor that gives up is gone; start a fresh one.
                    i = Intensity::new(max, Duration::from_millis(1000));
                    times.clear();
                }
            }
        }
    }
}
