//! A DynamicSupervisor stops its children all at once; a Supervisor stops them one at a time,
//! in reverse start order (the first two runs of the BEAM probe `probe-shutdown-semantics`).
//!
//! The children are the probe's: five servers that trap exits, so a shutdown runs their
//! `terminate`, which takes 200 ms and says when it begins and ends, counted from the moment
//! the stop began. Under the paused clock the times are exact.

use std::sync::{Arc, Mutex};

use otp_core::gen_server::{self, GenServer, Init, Options};
use otp_core::supervisor::{self, ChildSpec};
use otp_core::{Atom, ExitReason, Timeout, dynamic_supervisor, io, process};
use teaching::{Shell, show};
use tokio::time::Instant;

/// The moment a stop began, shared by the scene and the children.
#[derive(Clone, Debug)]
pub struct Stopwatch(Arc<Mutex<Instant>>);

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch(Arc::new(Mutex::new(Instant::now())))
    }
}

impl Stopwatch {
    /// Starts counting from now.
    pub fn reset(&self) {
        // A poisoned lock only means a child panicked while reading it; the instant is fine.
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// Milliseconds since the last reset.
    pub fn elapsed_ms(&self) -> u128 {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
            .as_millis()
    }
}

// ANCHOR: child
/// A child that takes its time to stop: it traps exits, so a `:shutdown` from its supervisor
/// runs `terminate`, which takes 200 ms.
#[derive(Debug)]
pub struct SlowToStop {
    name: Atom,
    watch: Stopwatch,
}

impl GenServer for SlowToStop {
    type Arg = (Atom, Stopwatch);
    type Call = std::convert::Infallible;
    type Reply = ();
    type Cast = std::convert::Infallible;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((name, watch): (Atom, Stopwatch)) -> Init<Self> {
        process::trap_exit(true);
        Init::Ok(SlowToStop { name, watch })
    }

    async fn terminate(&mut self, reason: &ExitReason) {
        let (name, watch) = (self.name.as_str(), &self.watch);
        io::puts(format!(
            "+{}ms terminate({reason}) {name} begins",
            watch.elapsed_ms()
        ));
        process::sleep(200).await;
        io::puts(format!("+{}ms terminate {name} ends", watch.elapsed_ms()));
    }
}

/// The child spec of child `c<n>`.
pub fn slow_child(n: u32, watch: &Stopwatch) -> ChildSpec {
    let (name, watch) = (Atom::from(format!("c{n}").as_str()), watch.clone());
    ChildSpec::new(name.clone(), move || {
        let arg = (name.clone(), watch.clone());
        async move {
            gen_server::start_link::<SlowToStop>(arg, Options::new())
                .await
                .map(|s| s.pid())
        }
    })
}
// ANCHOR_END: child

// ANCHOR: scene
/// Five slow children stopped by a Supervisor, then by a DynamicSupervisor.
pub async fn dynamic_shutdown(sh: Shell) {
    sh.section("Five children that take 200 ms to stop, under a Supervisor: one at a time");
    sh.run(|sh| async move {
        let watch = Stopwatch::default();
        let children: Vec<ChildSpec> = (1..=5).map(|n| slow_child(n, &watch)).collect();
        let Ok(sup) = show!(
            sh,
            supervisor::start_link(children, supervisor::Options::new()).await
        ) else {
            return;
        };
        sh.tree("Five slow children under a Supervisor", &sup).await;
        watch.reset();
        let _ = show!(
            sh,
            supervisor::stop(&sup, ExitReason::Normal, Timeout::Infinity).await
        );
        show!(sh, watch.elapsed_ms());
    })
    .await;

    sh.section("The same five under a DynamicSupervisor: all at once");
    sh.run(|sh| async move {
        let watch = Stopwatch::default();
        let Ok(sup) = show!(
            sh,
            dynamic_supervisor::start_link(dynamic_supervisor::Options::new()).await
        ) else {
            return;
        };
        for n in 1..=5 {
            let _ = show!(
                sh,
                dynamic_supervisor::start_child(&sup, slow_child(n, &watch)).await
            );
        }
        sh.tree("The same five under a DynamicSupervisor", &sup)
            .await;
        watch.reset();
        let _ = show!(
            sh,
            dynamic_supervisor::stop(&sup, ExitReason::Normal, Timeout::Infinity).await
        );
        show!(sh, watch.elapsed_ms());
    })
    .await;
}
// ANCHOR_END: scene
