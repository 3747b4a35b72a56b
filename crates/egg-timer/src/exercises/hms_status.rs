//! # Your Turn: the status in hours, minutes and seconds
//!
//! `(:roast, 7500000, 7500)` says little at a glance. A kitchen timer shows `2:05:00`.
//!
//! **Task.** Give an egg timer's status each alarm's duration and time remaining as
//! `(hours, minutes, seconds)`: write [`hms`], which splits a number of seconds, and
//! [`alarm_status`], the status of one alarm at a given instant, which a server's `:status`
//! call maps over its alarms (the Your Turn egg timer of [`crate::your_turn`] does). Partial
//! seconds count as a whole second, as [`Alarm::remaining`] counts them; an alarm past due
//! shows `(0, 0, 0)`.
//!
//! Both are plain functions of their arguments, time included, so this exercise needs no
//! server: it starts from nothing but the chapter's core ([`crate::core`]).
//!
//! **What you change.** The bodies of [`hms`] and [`alarm_status`]. The tests below stay
//! unchanged.

use std::fmt;

use otp_core::Atom;
use tokio::time::Instant;

use crate::core::Alarm;

/// `{hours, minutes, seconds}`.
pub type Hms = (u64, u64, u64);

/// One alarm's status: `{name, {h, m, s} duration, {h, m, s} remaining}`.
#[derive(Clone, PartialEq, Eq)]
pub struct AlarmStatus {
    /// The alarm's name.
    pub name: Atom,
    /// Its duration.
    pub duration: Hms,
    /// The time left before it fires.
    pub remaining: Hms,
}

/// Prints as the tuple it stands for, on one line even in a pretty-printed list, as IEx
/// prints `{:eggs, {0, 5, 0}, {0, 4, 59}}`.
impl fmt::Debug for AlarmStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({:?}, {:?}, {:?})",
            self.name, self.duration, self.remaining
        )
    }
}

// ANCHOR: solution
/// Splits a number of seconds into hours, minutes and seconds.
pub fn hms(seconds: u64) -> Hms {
    teaching::solution! {
        (seconds / 3600, seconds % 3600 / 60, seconds % 60)
    }
}

/// The status of `alarm` at `now`, in hours, minutes and seconds.
pub fn alarm_status(alarm: &Alarm, now: Instant) -> AlarmStatus {
    teaching::solution! {
        AlarmStatus {
            name: alarm.name.clone(),
            duration: hms(alarm.duration.div_ceil(1000)),
            remaining: hms(u64::try_from(alarm.remaining_at(now)).unwrap_or(0)),
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::AlarmFn;
    use std::time::Duration;

    #[test]
    fn hms_splits_seconds() {
        assert_eq!(hms(0), (0, 0, 0));
        assert_eq!(hms(59), (0, 0, 59));
        assert_eq!(hms(300), (0, 5, 0));
        assert_eq!(hms(2 * 3600 + 5 * 60), (2, 5, 0));
        assert_eq!(hms(26 * 3600 + 61), (26, 1, 1));
    }

    #[test]
    fn a_status_counts_down_and_stops_at_zero() {
        let t0 = Instant::now();
        let roast = Alarm::created_at("roast", 2 * 3_600_000 + 5 * 60_000, AlarmFn::default(), t0);
        let at = |ms| t0 + Duration::from_millis(ms);
        let s = alarm_status(&roast, t0);
        assert_eq!(s.name, Atom::from("roast"));
        assert_eq!((s.duration, s.remaining), ((2, 5, 0), (2, 5, 0)));
        assert_eq!(alarm_status(&roast, at(2_000)).remaining, (2, 4, 58));
        assert_eq!(alarm_status(&roast, at(2_500)).remaining, (2, 4, 58));
        assert_eq!(alarm_status(&roast, at(7_500_000)).remaining, (0, 0, 0));
        assert_eq!(alarm_status(&roast, at(9_000_000)).remaining, (0, 0, 0));
    }

    #[test]
    fn partial_seconds_count_as_whole_ones() {
        let t0 = Instant::now();
        let toast = Alarm::created_at("toast", 1_500, AlarmFn::default(), t0);
        let s = alarm_status(&toast, t0);
        assert_eq!(format!("{s:?}"), "(:toast, (0, 0, 2), (0, 0, 2))");
        let s = alarm_status(&toast, t0 + Duration::from_millis(1_499));
        assert_eq!(s.remaining, (0, 0, 1));
    }
}
