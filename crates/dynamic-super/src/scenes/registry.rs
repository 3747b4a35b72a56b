//! The three ways to name a process: a local name (`GenServer.whereis` and `Process.whereis`
//! agree), `{:global, name}`, and a via name through a registry, Elixir's kind or a hand-made
//! one; a via-named server restarted by its supervisor registers again under the same name
//! (transcript `ch4-registry`).

use otp_core::registry::{self, Registry};
use otp_core::supervisor;
use otp_core::{Atom, GenServer, Name, dynamic_supervisor, gen_server, process};
use teaching::Shell;

use crate::application::{SUPERVISOR, Tree};
use crate::core::Character;
use crate::exercises::custom_registry::NameRegistry;
use crate::scenes::{boot, sleep};
use crate::server::{self, Server};
use crate::via_server::{self, REGISTRY, Registrar, ViaServer};
use teaching::show;

// ANCHOR: scene
/// `whereis` of local and global names, a `Registry` and a hand-made registry behind via
/// names, and a via-named server restarted under a DynamicSupervisor.
pub async fn registry(sh: Shell) {
    sh.section("The power of a name: local, global and via");
    let Some(_app) = boot!(sh, Tree::new().dynamic(true)) else {
        return;
    };
    sh.tree("Booted, with a DynamicSupervisor", SUPERVISOR)
        .await;
    sh.run(|sh| async move {
        let app = show!(sh, SUPERVISOR);
        let _ = show!(sh, supervisor::which_children(app).await);
        let _ = show!(sh, gen_server::whereis::<Server>("superdave"));
        let _ = show!(sh, process::whereis(&Name::local("superdave")));
        let _ = show!(sh, gen_server::whereis::<Server>("nobody"));
        let _ = show!(sh, gen_server::whereis::<Server>(Name::global("nobody")));

        // Elixir's kind of registry, with unique keys.
        let started = show!(
            sh,
            Registry::<Atom, ()>::start_link(registry::Options::unique().name(REGISTRY)).await
        );
        let Ok(reg) = started else { return };
        let _ = show!(
            sh,
            via_server::start_link(
                Character::new("superfly", "Via Registry"),
                Registrar::Registry
            )
            .await
        );
        let _ = show!(sh, via_server::say("superfly", Registrar::Registry).await);
        let _ = show!(sh, reg.lookup(&Atom::from("superfly")));
        let _ = show!(
            sh,
            process::whereis(&Name::via(reg.clone(), Atom::from("superfly")))
        );
        let _ = show!(sh, process::whereis(&Name::local("superfly")));
        let _ = show!(
            sh,
            via_server::start_link(Character::new("superfly", "dup"), Registrar::Registry).await
        );

        // A hand-made registry (the chapter's exercise).
        let started = show!(sh, NameRegistry::start_link().await);
        let Ok(names) = started else { return };
        let _ = show!(
            sh,
            via_server::start_link(
                Character::new("superhand", "Hand-made registry"),
                Registrar::NameRegistry
            )
            .await
        );
        let _ = show!(
            sh,
            via_server::say("superhand", Registrar::NameRegistry).await
        );
        let _ = show!(
            sh,
            process::whereis(&Name::via(names.clone(), Atom::from("superhand")))
        );
        let _ = show!(
            sh,
            via_server::start_link(Character::new("superhand", "dup"), Registrar::NameRegistry)
                .await
        );
        let ghost = show!(sh, Name::via(names.clone(), Atom::from("ghost")));
        let _ = show!(
            sh,
            gen_server::call::<ViaServer>(&ghost, server::Call::Say).await
        );

        // A via-named server under a DynamicSupervisor: restarted, it registers again.
        let started = show!(
            sh,
            dynamic_supervisor::start_link(dynamic_supervisor::Options::new()).await
        );
        let Ok(dsup) = started else { return };
        let superreg = show!(
            sh,
            ViaServer::child_spec((
                Character::new("superreg", "Restarted under the same name"),
                Registrar::Registry
            ))
        );
        let _ = show!(sh, dynamic_supervisor::start_child(&dsup, superreg).await);
        let name = show!(sh, Name::via(reg.clone(), Atom::from("superreg")));
        let old = show!(sh, process::whereis(&name));
        let _ = show!(sh, via_server::die("superreg", Registrar::Registry).await);
        sleep(&sh, 300).await;
        let new = show!(sh, process::whereis(&name));
        show!(sh, old == new);
        let _ = show!(sh, via_server::say("superreg", Registrar::Registry).await);
        sh.tree("At the end of the session", SUPERVISOR).await;
    })
    .await;
}
// ANCHOR_END: scene
