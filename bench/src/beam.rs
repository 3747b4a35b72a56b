//! The BEAM column: the same workloads written with OTP itself (`bench/beam/`), run by
//! `escript bench/beam/bench.escript <keys>` on two schedulers (`+S 2`), and read back from
//! what the script prints (`row <key> <median> <min> <max>`, see `otp_bench.erl`).
//!
//! Without `erl` and `escript` on the PATH the column says "not run"; nothing else changes.
//! Every run of the script has a deadline, after which it is killed (by its pid: `escript` execs
//! the VM, so the child's pid is the VM's).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::harness::{Figure, figure};

/// The counts of the distribution workload (`otp_bench.erl` has the same).
pub const REMOTE_CALLS: u64 = 20_000;
pub const REMOTE_CASTS: u64 = 200_000;

/// How long one run of the script may take (the slowest, `million`, takes about a minute).
const DEADLINE: Duration = Duration::from_secs(15 * 60);

/// What one run of the script printed.
#[derive(Default)]
pub struct Output {
    rows: HashMap<String, Figure>,
    info: Vec<(String, String)>,
}

impl Output {
    pub fn row(&self, key: &str) -> Option<Figure> {
        self.rows.get(key).copied()
    }

    pub fn info(&self, key: &str) -> Option<&str> {
        self.info
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The BEAM's version line, or why the column is not run. Set once, by [`probe`].
static STATE: OnceLock<Result<String, String>> = OnceLock::new();

/// Finds `erl` and `escript` and runs the script with no workload, which prints the versions.
/// `skip` is a reason not to run the BEAM at all (an option of this run).
pub fn probe(skip: Option<&str>) {
    let state = match skip {
        Some(why) => Err(why.to_string()),
        None => find_tools().and_then(|()| {
            let out = run(&[])?;
            out.info("version")
                .map(str::to_string)
                .ok_or_else(|| "the script printed no version".to_string())
        }),
    };
    let _ = STATE.set(state);
}

/// "OTP 25.2.3 (erts 13.1.5, jit), 2 schedulers", or why the BEAM is not run.
pub fn version() -> Result<&'static str, &'static str> {
    match STATE.get() {
        Some(Ok(v)) => Ok(v),
        Some(Err(why)) => Err(why),
        None => Err("not probed"),
    }
}

fn find_tools() -> Result<(), String> {
    for tool in ["erl", "escript"] {
        if which(tool).is_none() {
            return Err(format!("`{tool}` is not on the PATH"));
        }
    }
    Ok(())
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|p| p.is_file())
    })
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("beam/bench.escript")
}

/// Runs the script with `args` (workload keys, `--rss <what>`, `--mailbox`).
pub fn run(args: &[&str]) -> Result<Output, String> {
    run_with_env(args, &[])
}

fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<Output, String> {
    let mut command = Command::new("escript");
    command
        .arg(script())
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start escript: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = wait_or_kill(&mut child, DEADLINE)?;
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "`escript bench.escript {}` {status}",
            args.join(" ")
        ));
    }
    let out = parse(&text);
    let mut notes = NOTES.lock().unwrap_or_else(|e| e.into_inner());
    for (k, v) in &out.info {
        if k != "version" && k != "dist-peer-pid" {
            notes.push(format!("{k} {v}"));
        }
    }
    Ok(out)
}

/// The `info` lines of every run so far: figures BENCHMARKS.md quotes in its text.
static NOTES: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub fn notes() -> Vec<String> {
    NOTES.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Waits for `child` until `limit`, then kills it (by its pid) and reports the timeout.
fn wait_or_kill(child: &mut Child, limit: Duration) -> Result<std::process::ExitStatus, String> {
    let began = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if began.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("killed after {} s", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for the BEAM: {e}")),
        }
    }
}

fn parse(text: &str) -> Output {
    let mut out = Output::default();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["row", key, median, min, max] => {
                let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
                let mut f = figure(vec![num(median)]);
                f.min = num(min);
                f.max = num(max);
                out.rows.insert(key.to_string(), f);
            }
            ["info", key, value] => out.info.push((key.to_string(), value.to_string())),
            ["version", otp, erts, flavor, schedulers] => out.info.push((
                "version".into(),
                format!("OTP {otp} (erts {erts}, {flavor}), {schedulers} schedulers"),
            )),
            _ => {}
        }
    }
    out
}

/// Runs the script for the workloads `args` and returns the figures of `keys`, in order; a
/// figure is `Err(why)` when the BEAM did not run or printed no such row.
pub fn figures(args: &[&str], keys: &[&str]) -> Vec<Result<Figure, String>> {
    let out = match version() {
        Err(why) => Err(why.to_string()),
        Ok(_) => run(args).inspect_err(|why| eprintln!("BEAM: {why}")),
    };
    match out {
        Ok(out) => keys
            .iter()
            .map(|k| {
                out.row(k)
                    .ok_or_else(|| format!("the BEAM printed no `{k}` row"))
            })
            .collect(),
        Err(why) => keys.iter().map(|_| Err(why.clone())).collect(),
    }
}

/// A private epmd on a free loopback port, killed (by pid) when dropped.
pub struct Epmd {
    child: Child,
    pub port: u16,
}

impl Epmd {
    /// `None` when `epmd` is not on the PATH.
    pub fn start_if_present() -> Option<Result<Epmd, String>> {
        which("epmd").map(|_| Epmd::start())
    }

    /// Starts `epmd` at debug level 2, which says on stderr when it has bound its port
    /// ("entering the main select() loop"), and waits up to 10 s for that line. A thread
    /// keeps reading its stderr afterwards, so that epmd never blocks on a full pipe.
    fn start() -> Result<Epmd, String> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut child = Command::new("epmd")
            .args(["-d", "-d", "-address", "127.0.0.1", "-port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start epmd: {e}"))?;
        let stderr = child.stderr.take().expect("piped stderr");
        let epmd = Epmd { child, port };
        let (tx, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains("entering the main select() loop") {
                    let _ = tx.send(());
                }
            }
        });
        match listening.recv_timeout(Duration::from_secs(10)) {
            Ok(()) => Ok(epmd),
            Err(RecvTimeoutError::Timeout) => {
                Err(format!("epmd did not listen on port {port} within 10 s"))
            }
            Err(RecvTimeoutError::Disconnected) => Err(format!("epmd on port {port} exited")),
        }
    }
}

impl Drop for Epmd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// BEAM to BEAM over loopback: a private epmd, then the script's `dist` workload, which makes
/// its VM a node and starts a second node with `peer`. Both nodes have unique names (the OS pid
/// of the first), listen on 127.0.0.1 only and share a cookie made here. Afterwards the second
/// node must be gone (the script stops it; it also halts by itself when the first node goes);
/// if it is not within 10 s, it is killed by its pid, which the script printed.
pub fn distribution() -> Result<Output, String> {
    version().map_err(str::to_string)?;
    if which("epmd").is_none() {
        return Err("`epmd` is not on the PATH".into());
    }
    let epmd = Epmd::start()?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let cookie = format!("otpbench{:x}{:x}", std::process::id(), nanos);
    let port = epmd.port.to_string();
    let flags = format!("-setcookie {cookie}");
    let out = run_with_env(
        &["dist"],
        &[("ERL_EPMD_PORT", &port), ("ERL_FLAGS", &flags)],
    );
    if let Some(pid) = out.as_ref().ok().and_then(|o| o.info("dist-peer-pid")) {
        reap(pid);
    }
    drop(epmd);
    out
}

/// The BEAM calling an otp-core node: the script's `dist-to <target>` workload, whose node
/// finds `target` through the epmd on `epmd_port` and calls and casts to its
/// `otp_bench_adder`, with `cookie`. Rows `dist-to-call` and `dist-to-cast`.
pub fn to_node(target: &str, cookie: &str, epmd_port: u16) -> Result<Output, String> {
    version().map_err(str::to_string)?;
    let port = epmd_port.to_string();
    let flags = format!("-setcookie {cookie}");
    run_with_env(
        &["dist-to", target],
        &[("ERL_EPMD_PORT", &port), ("ERL_FLAGS", &flags)],
    )
}

/// Whether `erl` is on the PATH.
pub fn erl_present() -> bool {
    which("erl").is_some()
}

/// The adder module's source, which an `erl` node compiles at start.
pub fn adder_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("beam/bench_adder.erl")
}

/// Waits up to 10 s for the second node (OS pid `pid`) to exit, then kills it if it is still
/// the node this run started.
fn reap(pid: &str) {
    let cmdline = format!("/proc/{pid}/cmdline");
    let ours = || {
        std::fs::read(&cmdline)
            .map(|c| String::from_utf8_lossy(&c).contains("otp_bench_b_"))
            .unwrap_or(false)
    };
    let began = Instant::now();
    while ours() {
        if began.elapsed() > Duration::from_secs(10) {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
