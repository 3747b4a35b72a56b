//! The bookkeeping the "Your Turn" egg timers share: alarms by name, and the timer that will
//! fire each one.
//!
//! It is given code, not an exercise: the chapter's own server ([`crate::server`]) does the
//! same work inline, and the exercises are about what goes around it (an API, a cancel, a
//! status in hours, minutes and seconds, a graceful stop). Two things it does that the book's
//! server does not: scheduling a name already in use replaces the alarm *and* cancels the old
//! timer, and an `{:alarm, name}` message for an alarm it does not hold is logged as a warning
//! rather than crashing the server, so a timer left running shows up in the output.

use std::collections::BTreeMap;
use std::fmt;

use otp_core::gen_server::{GenServer, ServerRef};
use otp_core::timer::{self, TimerRef};
use otp_core::{Atom, process};
use tokio::time::Instant;

use crate::core::{Alarm, AlarmFn, Pop, Status, Timers, pop_due};

/// The message each alarm's timer sends to the server: `{:alarm, name}`.
#[derive(Debug)]
pub enum Msg {
    /// `{:alarm, name}`: the alarm `name` is due.
    Alarm(Atom),
}

/// An egg timer's alarms, and the timer started for each one.
#[derive(Default)]
pub struct Alarms {
    /// The alarms, by name (what the book's server keeps as its state).
    pub alarms: Timers,
    /// Each alarm's timer, by name, so that it can be cancelled.
    pub timers: BTreeMap<Atom, TimerRef>,
}

/// Prints as the alarms, as the book's state prints as its map.
impl fmt::Debug for Alarms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.alarms, f)
    }
}

impl Alarms {
    /// Makes an alarm now and starts its timer, which sends [`Msg::Alarm`] to `server` when the
    /// alarm is due. An alarm already under `name` is replaced, and its timer cancelled.
    pub fn schedule<S>(&mut self, server: &ServerRef<S>, name: Atom, duration: u64, f: AlarmFn)
    where
        S: GenServer<Info = Msg>,
    {
        let alarm = Alarm::with_fn(name, duration, f);
        let timer = timer::send_after(server, Msg::Alarm(alarm.name.clone()), duration);
        if let Some(old) = self.timers.insert(alarm.name.clone(), timer) {
            timer::cancel_timer(&old);
        }
        self.alarms.insert(alarm.name.clone(), alarm);
    }

    /// What the server does with `{:alarm, name}`: triggers the alarm if it is due. A message
    /// for an alarm that is not there (its timer was left running when it went) is logged and
    /// ignored.
    pub fn fire(&mut self, name: &Atom) {
        match pop_due(&mut self.alarms, name, Instant::now()) {
            Pop::Due(alarm) => {
                self.timers.remove(name);
                alarm.trigger();
            }
            // A replaced alarm's timer is cancelled, so only a race can bring this; the new
            // alarm has its own timer.
            Pop::NotYet => {}
            Pop::Missing => tracing::warn!(
                "EggTimer {} has no alarm {name}: ignored {{:alarm, {name}}}",
                process::self_pid()
            ),
        }
    }

    /// Every alarm's `{name, duration, remaining}` at `now`, sorted by name.
    pub fn status_at(&self, now: Instant) -> Vec<Status> {
        self.alarms.values().map(|a| a.status_at(now)).collect()
    }

    /// How many alarms there are.
    pub fn len(&self) -> usize {
        self.alarms.len()
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.alarms.is_empty()
    }
}
