//! Your turn: SuperDuper on two nodes. Node `a` runs superdave and superman, node `b` (this
//! shell) runs supermario; `b` joins the cluster through `a`, and `say` and `die` reach
//! superman on `a`, whose supervisor restarts him (the exercise `exercises::distributed`).
//!
//! The two nodes live in one program, on an in-memory network: the same handshake, frames and
//! control messages as between two `iex --name` sessions, under the scene's paused clock. What
//! node `a` prints is shown after each input, each line marked `(a)`, as if its terminal stood
//! beside this one.

use otp_core::application::Application;
use otp_core::dist::{self, Cookie, DistNode, MemoryNetwork};
use otp_core::{Console, Node, gen_server};
use teaching::Shell;

use crate::application::{APP, SUPERVISOR};
use crate::core::Character;
use crate::exercises::distributed;
use crate::server::Call;
use teaching::show;

/// What node `a` printed since last asked, each line marked `(a)`.
struct OtherTerminal {
    console: Console,
    seen: usize,
}

impl OtherTerminal {
    fn show(&mut self, sh: &Shell) {
        let all = self.console.contents();
        for line in all[self.seen..].lines() {
            sh.say(format!("(a) {line}").trim_end());
        }
        self.seen = all.len();
    }
}

/// Starts one node's SuperDuper as its application, as `iex -S mix` would.
async fn boot(node: &Node, characters: &[&str]) -> Option<Application> {
    let characters: Vec<Character> = characters
        .iter()
        .filter_map(|n| Character::known(n))
        .collect();
    Application::start(node, APP, move || async move {
        distributed::start_link(characters).await.map(|s| s.pid())
    })
    .await
    .ok()
}

// ANCHOR: scene
/// Two nodes, one cluster: `say` and `die` from `b` reach superman on `a`.
pub async fn yourturn_distributed(sh: Shell) {
    sh.section("Your turn: SuperDuper on two nodes");
    let net = MemoryNetwork::new();
    let cookie = Cookie::new("superduper");

    // Node a, in the other terminal: iex --name a@127.0.0.1 --cookie superduper -S mix
    let console = Console::capture();
    let a = Node::with_console(console.clone());
    let mut terminal = OtherTerminal { console, seen: 0 };
    let a_name = DistNode::builder("a@127.0.0.1", cookie.clone()).memory(&net);
    if a.distribute(a_name).await.is_err() {
        return;
    }
    sh.say("(a) iex --name a@127.0.0.1 --cookie superduper -S mix");
    let Some(_a_app) = boot(&a, &["superdave", "superman"]).await else {
        return;
    };
    terminal.show(&sh);

    // Node b, this shell: iex --name b@127.0.0.1 --cookie superduper -S mix
    let b_name = DistNode::builder("b@127.0.0.1", cookie).memory(&net);
    if sh.node().distribute(b_name).await.is_err() {
        return;
    }
    sh.say("iex --name b@127.0.0.1 --cookie superduper -S mix");
    let Some(_b_app) = boot(sh.node(), &["supermario"]).await else {
        return;
    };
    sh.tree("Node b: its registry's owner, and supermario", SUPERVISOR)
        .await;
    sh.run(move |sh| async move {
        let _ = show!(sh, distributed::join("a@127.0.0.1").await);
        let _ = show!(sh, dist::nodes());
        let _ = show!(sh, distributed::say("superman").await);
        let _ = show!(sh, distributed::say("supermario").await);
        // The same call, by the name superman has on his own node.
        let _ = show!(
            sh,
            gen_server::call::<distributed::Server>(("superman", "a@127.0.0.1"), Call::Say).await
        );
        let _ = show!(sh, distributed::whereis("supermario").await);
        let before = show!(sh, distributed::whereis("superman").await);
        let _ = show!(sh, distributed::die("superman").await);
        sh.input("sh.sleep(300).await");
        sh.sleep(300).await;
        terminal.show(&sh);
        let after = show!(sh, distributed::whereis("superman").await);
        show!(sh, before == after);
        let _ = show!(sh, distributed::say("superman").await);
        terminal.show(&sh);
    })
    .await;
}
// ANCHOR_END: scene
