//! The egg timer's core: an alarm as plain data, and the questions one can ask it.
//!
//! Nothing here knows about processes. Time is a value: every function that needs "now" has a
//! form that takes it (`status_at`, `remaining_at`, `pop_due`), so tests can pass any instant;
//! the short forms (`new`, `status`, `remaining`) read tokio's clock, which scenes and tests
//! pause, so a five-minute alarm counts down deterministically.
//!
//! | Elixir (`EggTimer.Alarm`)              | Rust                                       |
//! |----------------------------------------|--------------------------------------------|
//! | `%Alarm{name, duration, time, f}`      | [`Alarm`] `{ name, duration, time, f }`    |
//! | `Alarm.new(name, duration)`            | [`Alarm::new`]`(name, duration)`           |
//! | `Alarm.new(name, duration, f)`         | [`Alarm::with_fn`]`(name, duration, f)`    |
//! | `Alarm.trigger(alarm)`                 | [`Alarm::trigger`]`(alarm)`                |
//! | `Alarm.status(alarm)`                  | [`Alarm::status`], [`Alarm::status_at`]    |
//! | `Alarm.remaining(alarm)`               | [`Alarm::remaining`], [`Alarm::remaining_at`] |
//! | `time: DateTime.utc_now()`             | `time: tokio::time::Instant::now()`        |
//! | a fun in a struct field                | [`AlarmFn`]: `Arc<dyn Fn() + Send + Sync>` |

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use otp_core::Atom;
use tokio::time::Instant;

// ANCHOR: alarm_fn
/// What an alarm runs when it fires. Elixir keeps a fun in the struct; Rust keeps a shared
/// closure, `Arc<dyn Fn() + Send + Sync>`, so the alarm stays cheap to clone and can travel
/// in messages between processes.
#[derive(Clone)]
pub struct AlarmFn {
    f: Arc<dyn Fn() + Send + Sync>,
    label: &'static str,
}

impl AlarmFn {
    /// Wraps a closure.
    pub fn new(f: impl Fn() + Send + Sync + 'static) -> Self {
        AlarmFn {
            f: Arc::new(f),
            label: "fn/0",
        }
    }

    /// Runs it.
    pub fn call(&self) {
        (self.f)()
    }
}

/// The default function: prints "Alarm triggered!".
pub fn default_fn() {
    otp_core::io::puts("Alarm triggered!");
}

impl Default for AlarmFn {
    fn default() -> Self {
        AlarmFn {
            f: Arc::new(default_fn),
            label: "default_fn/0",
        }
    }
}

/// A closure has no printable form; this prints like IEx prints a fun: `#Function<fn/0>`.
impl fmt::Debug for AlarmFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Function<{}>", self.label)
    }
}
// ANCHOR_END: alarm_fn

// ANCHOR: alarm
/// An alarm: a name, a duration in milliseconds, the instant it was created, and what to run
/// when it fires.
#[derive(Clone)]
pub struct Alarm {
    /// Its name, unique among a server's alarms: `:eggs`.
    pub name: Atom,
    /// How long after `time` it fires, in milliseconds.
    pub duration: u64,
    /// When it was created, on tokio's clock.
    pub time: Instant,
    /// What it runs when it fires.
    pub f: AlarmFn,
}

/// `{name, duration, remaining}`: what [`Alarm::status`] returns.
pub type Status = (Atom, u64, i64);

impl Alarm {
    /// `Alarm.new(name, duration)`: an alarm created now that prints "Alarm triggered!".
    pub fn new(name: impl Into<Atom>, duration: u64) -> Self {
        Self::with_fn(name, duration, AlarmFn::default())
    }

    /// `Alarm.new(name, duration, f)`: an alarm created now that runs `f`.
    pub fn with_fn(name: impl Into<Atom>, duration: u64, f: AlarmFn) -> Self {
        Self::created_at(name, duration, f, Instant::now())
    }

    /// An alarm created at `time`: the pure constructor the others call.
    pub fn created_at(name: impl Into<Atom>, duration: u64, f: AlarmFn, time: Instant) -> Self {
        Alarm {
            name: name.into(),
            duration,
            time,
            f,
        }
    }

    /// `Alarm.trigger(alarm)`: runs the alarm's function and returns the alarm.
    pub fn trigger(self) -> Self {
        self.f.call();
        self
    }

    /// `Alarm.status(alarm)`: `{name, duration, remaining}`, now.
    pub fn status(&self) -> Status {
        self.status_at(Instant::now())
    }

    /// `{name, duration, remaining}` at `now`.
    pub fn status_at(&self, now: Instant) -> Status {
        (self.name.clone(), self.duration, self.remaining_at(now))
    }

    /// `Alarm.remaining(alarm)`: whole seconds until it fires, now.
    pub fn remaining(&self) -> i64 {
        self.remaining_at(Instant::now())
    }

    /// Whole seconds until the alarm fires at `now`: the exact time left, rounded up, as a
    /// kitchen timer counts down. A fresh 20-second alarm reports 20, and still 20 half a
    /// second later; 1 in its last second; 0 when it is due; -1 a second after.
    pub fn remaining_at(&self, now: Instant) -> i64 {
        const SECOND: i128 = 1_000_000_000;
        let nanos = self.remaining_nanos(now);
        let whole = nanos.div_euclid(SECOND);
        saturate(if nanos.rem_euclid(SECOND) == 0 {
            whole
        } else {
            whole + 1
        })
    }

    /// `true` once the alarm's duration has passed at `now`.
    pub fn is_due(&self, now: Instant) -> bool {
        self.remaining_nanos(now) <= 0
    }

    /// The exact time left at `now` in nanoseconds, negative once it is due. Computed from the
    /// time elapsed rather than from a due instant, so no duration can overflow it.
    fn remaining_nanos(&self, now: Instant) -> i128 {
        let elapsed = if now >= self.time {
            (now - self.time).as_nanos() as i128
        } else {
            -((self.time - now).as_nanos() as i128)
        };
        i128::from(self.duration) * 1_000_000 - elapsed
    }
}
// ANCHOR_END: alarm

/// Clamps a number of seconds into an `i64` (only an alarm created millions of years from
/// now could be out of range).
fn saturate(seconds: i128) -> i64 {
    i64::try_from(seconds).unwrap_or(if seconds > 0 { i64::MAX } else { i64::MIN })
}

/// An alarm prints as IEx prints the struct, with its creation time shown relative to now
/// (an absolute instant would change from run to run).
impl fmt::Debug for Alarm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let age = Instant::now().saturating_duration_since(self.time);
        f.debug_struct("Alarm")
            .field("name", &self.name)
            .field("duration", &self.duration)
            .field(
                "time",
                &format_args!("#Instant<{} ms ago>", age.as_millis()),
            )
            .field("f", &self.f)
            .finish()
    }
}

// ANCHOR: pop_due
/// The server's state: alarms by name. A `BTreeMap` keeps them sorted by name, as a small
/// Elixir map is.
pub type Timers = BTreeMap<Atom, Alarm>;

/// What an `{:alarm, name}` message finds in the timers.
#[derive(Debug)]
pub enum Pop {
    /// The alarm is due: it has been taken out of the timers, ready to trigger.
    Due(Alarm),
    /// An alarm of that name is there but not due yet: the message came from the timer of an
    /// earlier alarm that this one replaced. Nothing to do.
    NotYet,
    /// No alarm of that name: nothing to trigger.
    Missing,
}

/// Takes the alarm `name` out of `timers` if it is due at `now`. The book's server pops the
/// alarm whatever it finds, and crashes on `nil`; this tells the three cases apart.
pub fn pop_due(timers: &mut Timers, name: &Atom, now: Instant) -> Pop {
    match timers.get(name) {
        None => Pop::Missing,
        Some(alarm) if !alarm.is_due(now) => Pop::NotYet,
        Some(_) => match timers.remove(name) {
            Some(alarm) => Pop::Due(alarm),
            // Just found under this name: `remove` cannot miss it.
            None => Pop::Missing,
        },
    }
}
// ANCHOR_END: pop_due

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn status_counts_down_in_whole_seconds() {
        let t0 = Instant::now();
        let a = Alarm::created_at("timer", 20_000, AlarmFn::default(), t0);
        // The BEAM transcript's points: 20, then 15, 10, 3 and -1.
        assert_eq!(a.status_at(t0), (Atom::from("timer"), 20_000, 20));
        assert_eq!(a.remaining_at(at(t0, 5_000)), 15);
        assert_eq!(a.remaining_at(at(t0, 10_000)), 10);
        assert_eq!(a.remaining_at(at(t0, 17_000)), 3);
        assert_eq!(a.remaining_at(at(t0, 21_000)), -1);
    }

    #[test]
    fn remaining_rounds_the_exact_time_left_up() {
        let t0 = Instant::now();
        let a = Alarm::created_at("timer", 20_000, AlarmFn::default(), t0);
        assert_eq!(a.remaining_at(at(t0, 1)), 20);
        assert_eq!(a.remaining_at(at(t0, 500)), 20);
        assert_eq!(a.remaining_at(at(t0, 1_000)), 19);
        assert_eq!(a.remaining_at(at(t0, 19_999)), 1);
        assert_eq!(a.remaining_at(at(t0, 20_000)), 0);
        assert_eq!(a.remaining_at(at(t0, 20_001)), 0);
        assert_eq!(a.remaining_at(at(t0, 20_999)), 0);
        assert_eq!(a.remaining_at(at(t0, 21_000)), -1);
        assert_eq!(a.remaining_at(at(t0, 21_001)), -1);
        // 592.5 s left shows 593, as the BEAM's status showed after 7.5 s of a 600 s alarm.
        let waffles = Alarm::created_at("waffles", 600_000, AlarmFn::default(), t0);
        assert_eq!(waffles.remaining_at(at(t0, 7_500)), 593);
    }

    #[test]
    fn an_alarm_created_later_than_now_has_more_than_its_duration_left() {
        let t0 = Instant::now();
        let a = Alarm::created_at("later", 1_000, AlarmFn::default(), at(t0, 2_000));
        assert_eq!(a.remaining_at(t0), 3);
        assert!(!a.is_due(t0));
    }

    #[test]
    fn the_longest_duration_does_not_overflow() {
        let t0 = Instant::now();
        let a = Alarm::created_at("forever", u64::MAX, AlarmFn::default(), t0);
        assert_eq!(a.remaining_at(t0), (u64::MAX / 1000 + 1) as i64);
        assert!(!a.is_due(at(t0, 1_000_000)));
    }

    #[test]
    fn trigger_runs_the_function_and_returns_the_alarm() {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        let f = AlarmFn::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        });
        let a = Alarm::created_at("eggs", 300_000, f, Instant::now());
        let a = a.trigger().trigger();
        assert_eq!(count.load(Ordering::SeqCst), 2);
        assert_eq!(a.name, Atom::from("eggs"));
    }

    #[test]
    fn functions_print_like_funs() {
        assert_eq!(
            format!("{:?}", AlarmFn::default()),
            "#Function<default_fn/0>"
        );
        assert_eq!(format!("{:?}", AlarmFn::new(|| ())), "#Function<fn/0>");
    }

    #[test]
    fn pop_due_tells_due_early_and_missing_apart() {
        let t0 = Instant::now();
        let mut timers = Timers::new();
        let eggs = Alarm::created_at("eggs", 400, AlarmFn::default(), t0);
        timers.insert(eggs.name.clone(), eggs);
        let name = Atom::from("eggs");
        assert!(matches!(
            pop_due(&mut timers, &name, at(t0, 200)),
            Pop::NotYet
        ));
        assert_eq!(
            timers.len(),
            1,
            "an early message leaves the alarm in place"
        );
        assert!(matches!(
            pop_due(&mut timers, &Atom::from("ghost"), at(t0, 200)),
            Pop::Missing
        ));
        match pop_due(&mut timers, &name, at(t0, 400)) {
            Pop::Due(alarm) => assert_eq!(alarm.name, name),
            other => panic!("expected the alarm, got {other:?}"),
        }
        assert!(timers.is_empty());
        assert!(matches!(
            pop_due(&mut timers, &name, at(t0, 400)),
            Pop::Missing
        ));
    }
}
