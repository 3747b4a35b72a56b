//! A real Erlang node calls the distributed SuperDuper's characters on a Rust node, as
//! `GenServer.call({:superman, :"rust@127.0.0.1"}, :say)` would from `iex`: a call, a cast
//! that crashes the character (its node's supervisor restarts it), a call after the restart,
//! a character the node does not run (`noproc` at once), and `multi_call`.
//!
//! The test starts `erl -noshell` itself with a unique name, bounds every wait and kills it
//! when done. Without `erl` it is skipped with a note; under `CI=true` a missing `erl` fails.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use dynamic_super::application::APP;
use dynamic_super::core::Character;
use dynamic_super::exercises::distributed;
use otp_core::application::Application;
use otp_core::dist::{Cookie, DistNode};
use otp_core::{Console, Node};

/// Every wait gives up after this long.
const LIMIT: Duration = Duration::from_secs(20);

fn erl_present() -> bool {
    let found = Command::new("erl")
        .args(["-noshell", "-eval", "halt()."])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("erl is not installed: CI must run the distribution tests against it");
        }
        eprintln!("note: erl is not installed; skipping this Erlang interop test");
    }
    found
}

/// An `erl -noshell` node, killed (by its pid) when dropped.
struct Erl {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Erl {
    fn start(name: &str, cookie: &str, eval: &str) -> Erl {
        let mut child = Command::new("erl")
            .args([
                "-noshell",
                "-name",
                name,
                "-setcookie",
                cookie,
                "-eval",
                eval,
            ])
            .env("ERL_CRASH_DUMP_SECONDS", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("erl starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Erl { child, lines }
    }

    fn expect_line(&self, expected: &str) {
        let line = self
            .lines
            .recv_timeout(LIMIT)
            .unwrap_or_else(|_| panic!("erl printed nothing within {LIMIT:?}"));
        assert_eq!(line, expected);
    }
}

impl Drop for Erl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erlang_calls_the_characters_of_a_rust_node() {
    if !erl_present() {
        return;
    }
    let id = std::process::id();
    let (rust, erl, cookie) = (
        format!("superduper_{id}@127.0.0.1"),
        format!("iex_{id}@127.0.0.1"),
        format!("cookie_{id}"),
    );
    let console = Console::capture();
    let node = Node::with_console(console.clone());
    node.distribute(DistNode::builder(&rust, Cookie::new(&cookie)))
        .await
        .expect("the node starts and registers with EPMD");
    let characters: Vec<Character> = ["superdave", "superman"]
        .iter()
        .filter_map(|name| Character::known(name))
        .collect();
    let _app = Application::start(&node, APP, move || async move {
        distributed::start_link(characters).await.map(|s| s.pid())
    })
    .await
    .expect("SuperDuper starts");

    let driver = Erl::start(
        &erl,
        &cookie,
        &format!(
            r#"Rust = '{rust}',
               P = fun(X) -> io:format("~p~n", [X]) end,
               P(gen_server:call({{superman, Rust}}, say)),
               Ref = erlang:monitor(process, {{superman, Rust}}),
               gen_server:cast({{superman, Rust}}, die),
               receive {{'DOWN', Ref, process, _, _}} -> ok after 20000 -> halt(3) end,
               %% The supervisor registers the new superman right after the DOWN: a call
               %% that comes first finds no name (noproc) and is made again, a bounded
               %% number of times.
               Again = fun Again(0) -> halt(4);
                           Again(N) ->
                               case catch gen_server:call({{superman, Rust}}, say) of
                                   {{'EXIT', {{noproc, _}}}} -> erlang:yield(), Again(N - 1);
                                   Says -> Says
                               end
                       end,
               P(Again(100000)),
               {{'EXIT', {{Reason, _}}}} = (catch gen_server:call({{supermario, Rust}}, say)),
               P(Reason),
               {{[{{Rust, Says}}], []}} = gen_server:multi_call([Rust], superdave, say),
               P(Says),
               halt()."#
        ),
    );
    let expect = |line: String| {
        let driver = &driver;
        move || driver.expect_line(&line)
    };
    let superman = "<<\"It doesn't take X-Ray Vision to see you are up to no good.\">>";
    let checks = [
        expect(superman.to_string()),
        expect(superman.to_string()),
        expect("noproc".to_string()),
        expect(
            "<<\"Next time you shoot a bullet at a metal object, watch the ricochet.\">>"
                .to_string(),
        ),
    ];
    tokio::task::block_in_place(|| {
        for check in checks {
            check();
        }
    });
    // The crash and the restart happened here, on the Rust node.
    let printed = console.contents();
    assert!(
        printed.contains("Mayday! Mayday! superman going down..."),
        "{printed}"
    );
    assert_eq!(printed.matches("Starting superman").count(), 2, "{printed}");
}
