//! # Your turn: child specs marked as workers
//!
//! `Server::child_spec` fills in most of a child spec for you: the restart type, the shutdown
//! time, the child's type. Write a character's child spec out in full instead, every field
//! explicit, as Elixir's map form `%{id: :superman, start: {SuperDuper.Server, :start_link,
//! [:superman]}, restart: :permanent, shutdown: 5000, type: :worker, modules:
//! [SuperDuper.Server]}` does, marking it as a worker; then the three characters' list from
//! it. A supervisor started with these children must behave exactly as the book's.
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below. Keep the
//! signatures; the tests at the bottom of this file stay unchanged. Check with
//! `cargo test -p super-duper exercises::worker_specs`.

use otp_core::supervisor::{ChildSpec, ChildType, Restart, Shutdown};

use crate::core::CHARACTERS;
use crate::server;

// ANCHOR: spec
/// The child spec of the character `name`, every field written out, marked as a worker.
pub fn worker_spec(name: &'static str) -> ChildSpec {
    teaching::solution! {
        ChildSpec::new(name, move || async move {
            server::start_link(name).await.map(|server| server.pid())
        })
        .restart(Restart::Permanent)
        .shutdown(Shutdown::Timeout(5000))
        .kind(ChildType::Worker)
        .modules([server::MODULE])
    }
}

/// The three characters' specs, in start order.
pub fn worker_specs() -> Vec<ChildSpec> {
    teaching::solution! { CHARACTERS.into_iter().map(worker_spec).collect() }
}
// ANCHOR_END: spec

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{Options, SUPERVISOR};
    use crate::exercises::with_app;
    use crate::server::{Args, Server};
    use otp_core::GenServer;
    use otp_core::supervisor::{self, ChildPid};

    #[test]
    fn every_field_is_explicit_and_matches_what_the_server_would_give() {
        let spec = worker_spec("superman");
        assert_eq!(spec.id().as_str(), "superman");
        assert_eq!(spec.child_type(), ChildType::Worker);
        assert_eq!(spec.restart_type(), Restart::Permanent);
        assert_eq!(spec.shutdown_type(), Shutdown::Timeout(5000));
        assert_eq!(
            format!("{spec:?}"),
            format!("{:?}", Server::child_spec(Args::new("superman")))
        );
    }

    #[test]
    fn the_list_has_the_three_characters_in_start_order() {
        let ids: Vec<String> = worker_specs()
            .iter()
            .map(|s| s.id().as_str().to_string())
            .collect();
        assert_eq!(ids, ["superdave", "superman", "supermario"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_supervisor_of_these_workers_runs_the_three_characters() {
        let ((children, counts, quote), printed) =
            with_app(Options::new().children(worker_specs()), async {
                (
                    supervisor::which_children(SUPERVISOR).await.unwrap(),
                    supervisor::count_children(SUPERVISOR).await.unwrap(),
                    server::say("superdave").await,
                )
            })
            .await;
        let listed: Vec<String> = children
            .iter()
            .map(|c| {
                assert!(matches!(c.pid, ChildPid::Pid(_)));
                format!("{} {} {:?}", c.id.as_ref().unwrap(), c.kind, c.modules)
            })
            .collect();
        assert_eq!(
            listed,
            [
                ":supermario :worker [\"SuperDuper.Server\"]",
                ":superman :worker [\"SuperDuper.Server\"]",
                ":superdave :worker [\"SuperDuper.Server\"]",
            ]
        );
        assert_eq!(
            format!("{counts:?}"),
            "%{active: 3, specs: 3, supervisors: 0, workers: 3}"
        );
        assert_eq!(
            quote.as_deref(),
            Ok("Next time you shoot a bullet at a metal object, watch the ricochet.")
        );
        assert_eq!(printed, "");
    }
}
