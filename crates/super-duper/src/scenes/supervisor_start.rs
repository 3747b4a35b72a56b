//! The supervisor started from the shell: its children, their child specs, and a crash it
//! repairs (transcript `ch3-supervisor-start`).

use std::convert::Infallible;

use otp_core::gen_server::{self, GenServer, Init};
use otp_core::supervisor;
use teaching::Shell;

use crate::application::{self, Options, SUPERVISOR};
use crate::server::{self, Args, Server};
use teaching::show;

/// Elixir's `defmodule Plain do use GenServer; def init(x), do: {:ok, x} end`: a server with
/// every default, `child_spec` among them.
#[derive(Debug)]
pub struct Plain(pub &'static str);

impl GenServer for Plain {
    type Arg = &'static str;
    type Call = Infallible;
    type Reply = ();
    type Cast = Infallible;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(x: &'static str) -> Init<Self> {
        Init::Ok(Plain(x))
    }
}

// ANCHOR: scene
/// `SuperDuper.Application.start` from the shell, child specs, and `die` under supervision.
pub async fn supervisor_start(sh: Shell) {
    sh.section("The supervisor starts the characters");
    sh.run(|sh| async move {
        let _ = show!(sh, application::start(Options::new()).await);
        let _ = show!(sh, server::say("supermario").await);
        let _ = show!(sh, server::say("superdave").await);
        let _ = show!(sh, server::say("superman").await);
        sh.tree("Started from the shell", SUPERVISOR).await;
    })
    .await;

    sh.section("Child specs: the default, and the server's own");
    sh.run(|sh| async move {
        show!(sh, Plain::child_spec("supermario"));
        show!(sh, Server::child_spec(Args::new("supermario")));
        show!(
            sh,
            Server::child_spec(Args::with_quote("superfreak", "She's alright"))
        );
        let _ = show!(sh, supervisor::which_children(SUPERVISOR).await);
        let _ = show!(sh, supervisor::count_children(SUPERVISOR).await);
    })
    .await;

    sh.section("A crash, repaired");
    sh.run(|sh| async move {
        show!(sh, server::die("superman"));
        sh.input("sh.sleep(500).await");
        sh.sleep(500).await;
        let _ = show!(sh, server::say("superman").await);
        let Ok(pid) = show!(sh, gen_server::whereis::<Server>("superman")) else {
            return;
        };
        show!(sh, pid.is_alive());
        sh.tree("After superman's crash: a new superman", SUPERVISOR)
            .await;
    })
    .await;
}
// ANCHOR_END: scene
