//! The core on its own, then one character's server started from the shell without a
//! supervisor: `die` takes the linked shell down with it (transcript `ch3-server-alone`).

use teaching::Shell;

use crate::core;
use crate::server;
use teaching::show;

// ANCHOR: scene
/// `SuperDuper.Core.info/1`, then `Server.start_link :superdave`, `say` and `die`.
pub async fn server_alone(sh: Shell) {
    sh.section("The core");
    sh.run(|sh| async move {
        let _ = show!(sh, core::info("supermario"));
        let _ = show!(sh, core::info("superman"));
        let _ = show!(sh, core::info("superdave"));
        let _ = show!(sh, core::info("superbad"));
    })
    .await;

    sh.section("A character's server, with no supervisor");
    sh.run(|sh| async move {
        let Ok(pid) = show!(sh, server::start_link("superdave").await) else {
            return;
        };
        let _ = show!(sh, server::say(&pid).await);
        show!(sh, server::die(&pid));
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
    })
    .await;
}
// ANCHOR_END: scene
