//! The calculator as a GenServer in a shell; a crash takes the linked shell down with it
//! (transcript `ch1-genserver`).

use std::sync::{Arc, OnceLock};

use otp_core::{GenServer, Name, process};
use teaching::Shell;
use teaching::show;

use crate::server::{self, Server};

// ANCHOR: scene
/// `Calculator.Server.start_link 0`, a cast and a call or two, then a crash.
pub async fn genserver(sh: Shell) {
    sh.section("The same service as a GenServer");
    // What `:persistent_term.put(:server, server)` is for in the transcript: a place outside
    // the shell, so that the next shell can still look at the server.
    let kept = Arc::new(OnceLock::new());
    let keep = kept.clone();
    sh.run(|sh| async move {
        let Ok(server) = show!(sh, server::start_link(0).await) else {
            return;
        };
        show!(sh, server::add(&server, 10));
        let _ = show!(sh, server::state(&server).await);
        show!(sh, server::subtract(&server, 2));
        let _ = show!(sh, server::state(&server).await);
        show!(sh, process::whereis(&Name::local(Server::module())));
        let _ = show!(sh, keep.set(server.clone()));
        show!(sh, server::divide(&server, 0));
        sh.input("sh.sleep(300).await");
        sh.sleep(300).await;
    })
    .await;
    sh.run(move |sh| async move {
        if let Some(server) = kept.get() {
            show!(sh, server.is_alive());
        }
    })
    .await;
}
// ANCHOR_END: scene
