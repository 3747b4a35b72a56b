//! Helpers for the tests that run against a real Erlang node: `erl -noshell` drivers with
//! unique names on 127.0.0.1, every wait bounded, each node killed (by its pid) when dropped.
//! Without `erl` a test is skipped with a note; under `CI=true` a missing `erl` fails it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Every wait gives up after this long.
pub const LIMIT: Duration = Duration::from_secs(20);

pub async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// `true` when `erl` can run here. Without it: a failure under `CI=true`, a skip otherwise.
pub fn erl_present() -> bool {
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

/// A name no other test, run or concurrent test binary uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// An `erl -noshell` node running `eval`, killed when dropped.
pub struct Erl {
    /// Its full name: `erl_..@127.0.0.1`.
    pub name: String,
    child: Child,
    lines: Arc<Mutex<mpsc::Receiver<String>>>,
}

impl Erl {
    pub fn start(name: &str, cookie: &str, eval: &str, extra: &[&str]) -> Erl {
        let full = format!("{name}@127.0.0.1");
        let mut child = Command::new("erl")
            .args(["-noshell", "-name", &full, "-setcookie", cookie])
            .args(extra)
            .args(["-eval", eval])
            // A node that dies writes no crash dump into the source tree.
            .env("ERL_CRASH_DUMP_SECONDS", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("erl starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Erl {
            name: full,
            child,
            lines: Arc::new(Mutex::new(rx)),
        }
    }

    /// The next line the node printed.
    pub async fn line(&self) -> String {
        let lines = self.lines.clone();
        let line = tokio::task::spawn_blocking(move || lines.lock().unwrap().recv_timeout(LIMIT))
            .await
            .unwrap();
        line.unwrap_or_else(|_| panic!("{} printed nothing within {LIMIT:?}", self.name))
    }

    pub async fn expect_line(&self, expected: &str) {
        let line = self.line().await;
        assert_eq!(line, expected, "from {}", self.name);
    }
}

impl Drop for Erl {
    fn drop(&mut self) {
        // Only the process this test started, by its pid.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Erl {
    /// Kills the node's OS process now (by its pid), as a crash would end it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory of its own under the system's temporary directory, removed when dropped: where
/// a test writes the Erlang modules its driver compiles.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique(prefix));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }

    /// Writes `name` with `text` and returns its path, as Erlang writes a string.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("the module is written");
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The Erlang expression that compiles the module at `path` and loads it.
pub fn load(path: &str) -> String {
    format!(
        r#"{{ok, _M_, _B_}} = compile:file("{path}", [binary, return_errors]),
           {{module, _}} = code:load_binary(_M_, "{path}", _B_)"#
    )
}
