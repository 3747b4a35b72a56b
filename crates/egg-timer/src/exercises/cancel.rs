//! # Your Turn: cancel an alarm without crashing the server
//!
//! In the book's server, an alarm taken out of the map before its timer fires crashes the
//! server when the `{:alarm, name}` message comes (`KeyError`): the timer still runs.
//!
//! **Task.** Add [`cancel`]`(&t, name)` to the [`EggTimer`]: the
//! alarm is removed and its timer cancelled, so it never fires. Cancelling a name that has no
//! alarm is fine: it does nothing, and the server carries on (`:ok` in the BEAM transcript).
//!
//! **What you change.** The bodies of [`cancel`] and of `EggTimer::cancel_alarm`, which the
//! server's `handle_cast` calls for `Cast::Cancel`. The tests below stay unchanged.

use otp_core::Atom;
use otp_core::gen_server::{self, ServerRef};
use otp_core::timer;

use super::api_layer::{Cast, EggTimer};

// ANCHOR: solution
/// Cancels the alarm `name`, if there is one. Returns at once, as a cast does.
pub fn cancel(egg_timer: &ServerRef<EggTimer>, name: impl Into<Atom>) {
    teaching::solution! {
        gen_server::cast(egg_timer, Cast::Cancel(name.into()))
    }
}

impl EggTimer {
    /// Removes the alarm `name` and cancels its timer; nothing to do if there is none.
    pub(super) fn cancel_alarm(&mut self, name: &Atom) {
        teaching::solution! {
            self.alarms.remove(name);
            if let Some(t) = self.timers.remove(name) {
                timer::cancel_timer(&t);
            }
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::super::api_layer::{schedule, start_link, status};
    use super::*;
    use otp_core::{io, process};

    #[test]
    fn a_cancelled_alarm_never_fires() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
                schedule(&t, "toast", 1_500, || io::puts("Toast is ready"));
                cancel(&t, "toast");
                sh.say(format!("{:?}", status(&t).await));
                process::sleep(2_000).await;
                sh.say(format!("{:?}", status(&t).await));
            })
            .await;
        });
        assert_eq!(
            super::super::before_goodbye(&out),
            "Ok([(:tea, (0, 0, 1), (0, 0, 1))])\nTea is ready\nOk([])\n"
        );
    }

    #[test]
    fn cancelling_an_unknown_name_changes_nothing() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "eggs", 300_000, || io::puts("Eggs are done"));
                cancel(&t, "not_there");
                cancel(&t, "not_there");
                sh.say(format!("{:?} {}", status(&t).await, t.is_alive()));
            })
            .await;
        });
        assert_eq!(
            super::super::before_goodbye(&out),
            "Ok([(:eggs, (0, 5, 0), (0, 5, 0))]) true\n"
        );
    }

    #[test]
    fn a_cancel_racing_with_its_timer_does_not_crash() {
        // The timer fires at 1000 ms and the cancel arrives in the same instant: whichever the
        // server sees first, it neither crashes nor fires the alarm twice.
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(t) = start_link().await else { return };
                schedule(&t, "tea", 1_000, || io::puts("Tea is ready"));
                process::sleep(1_000).await;
                cancel(&t, "tea");
                process::sleep(10).await;
                sh.say(format!("{:?} {}", status(&t).await, t.is_alive()));
            })
            .await;
        });
        assert!(
            super::super::before_goodbye(&out).ends_with("Ok([]) true\n"),
            "{out}"
        );
        assert!(out.matches("Tea is ready").count() <= 1, "{out}");
    }
}
