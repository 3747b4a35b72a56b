//! A SuperDuper node that Erlang and Elixir nodes can call: the distributed exercise of
//! chapter 4 on real sockets, running until ctrl-c.
//!
//! ```text
//! cargo run -p dynamic-super --example superduper_node -- rust@127.0.0.1 superduper
//! ```
//!
//! starts a node named `rust@127.0.0.1` with the cookie `superduper` (both optional, these are
//! the defaults), registers it with EPMD (starting `epmd -daemon` when none runs) and runs
//! superdave and superman under its supervisor. Then, from another terminal:
//!
//! ```text
//! iex --name iex@127.0.0.1 --cookie superduper
//! iex> GenServer.call({:superman, :"rust@127.0.0.1"}, :say)
//! iex> GenServer.cast({:superman, :"rust@127.0.0.1"}, :die)
//! ```
//!
//! or `erl -name erl@127.0.0.1 -setcookie superduper` and
//! `gen_server:call({superman, 'rust@127.0.0.1'}, say).` The crash report and the restart
//! print here, on the node where they happen.

use dynamic_super::application::APP;
use dynamic_super::core::Character;
use dynamic_super::exercises::distributed;
use otp_core::Node;
use otp_core::application::Application;
use otp_core::dist::Cookie;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Crash reports in Logger's format, as on the BEAM (RUST_LOG filters them).
    otp_core::logger::init();
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "rust@127.0.0.1".to_string());
    let cookie = args.next().unwrap_or_else(|| "superduper".to_string());

    let node = Node::start_distributed(&name, Cookie::new(&cookie)).await?;
    let characters: Vec<Character> = ["superdave", "superman"]
        .iter()
        .filter_map(|name| Character::known(name))
        .collect();
    let app = Application::start(&node, APP, move || async move {
        distributed::start_link(characters)
            .await
            .map(|supervisor| supervisor.pid())
    })
    .await?;
    println!("{name} is up with cookie {cookie:?}, running superdave and superman.");
    println!(
        "From iex --name iex@127.0.0.1 --cookie {cookie}: GenServer.call({{:superman, :\"{name}\"}}, :say)"
    );
    println!("ctrl-c stops it.");
    let reason = app.run_until_ctrl_c().await;
    println!("stopped: {reason}");
    Ok(())
}
