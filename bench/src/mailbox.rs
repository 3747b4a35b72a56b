//! Memory under load: one server whose mailbox holds a million casts. The server takes the
//! first message, tells the client it holds, and waits for a release; the client casts
//! `QUEUED` numbers, the bench reads the memory with all of them queued, then releases the
//! server and makes one call, which returns once the server has read every cast.
//!
//! Each library runs in a fresh copy of this program (`bench --mailbox <library>`), so that
//! its peak resident set is its own. The child prints `key value` lines:
//!
//! - `rss-growth`: resident set with all casts queued, minus before the server started;
//! - `peak-rss`: the process's peak resident set (VmHWM) after the server read everything;
//! - `peak-rss-growth`: that peak minus the resident set before the server started;
//! - `heap`: heap bytes allocated and not freed (the counting allocator) with all queued;
//! - `queue-ns` / `drain-ns`: time per cast to queue them, then to release and read them.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Instant;

use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Init, Options};
use otp_core::{ExitReason, Node, Timeout};
use tokio::sync::{mpsc, oneshot};

use crate::baseline::Msg;
use crate::harness::{Exec, on_worker, rss_bytes};

pub const QUEUED: u64 = 1_000_000;

/// A line of the memory-under-load table.
pub struct Line {
    pub workload: &'static str,
    /// The unit the table shows.
    pub unit: &'static str,
    /// How the value is formatted: "MB", "bytes" or "ns".
    pub value_unit: &'static str,
    /// The key in the Rust children's output; `None` where they have no such figure.
    pub rust: Option<&'static str>,
    /// The row key in the BEAM's output.
    pub beam: &'static str,
    /// Divided by the number of queued messages.
    pub per_message: bool,
}

const fn line(
    workload: &'static str,
    unit: &'static str,
    value_unit: &'static str,
    rust: Option<&'static str>,
    beam: &'static str,
    per_message: bool,
) -> Line {
    Line {
        workload,
        unit,
        value_unit,
        rust,
        beam,
        per_message,
    }
}

pub const LINES: [Line; 7] = [
    line(
        "peak RSS of the OS process",
        "MB",
        "MB",
        Some("peak-rss"),
        "mailbox-peak-rss",
        false,
    ),
    line(
        "  peak RSS growth over the start",
        "MB",
        "MB",
        Some("peak-rss-growth"),
        "mailbox-peak-rss-growth",
        false,
    ),
    line(
        "  RSS growth while all are queued",
        "bytes per message",
        "bytes",
        Some("rss-growth"),
        "mailbox-rss-growth",
        true,
    ),
    line(
        "  heap in use while all are queued (a)",
        "bytes per message",
        "bytes",
        Some("heap"),
        "mailbox-allocated",
        true,
    ),
    line(
        "  the server process's memory (b)",
        "bytes per message",
        "bytes",
        None,
        "mailbox-server-memory",
        true,
    ),
    line(
        "time to queue them",
        "per cast",
        "ns",
        Some("queue-ns"),
        "mailbox-queue-ns",
        false,
    ),
    line(
        "time to release the server and read them all",
        "per message",
        "ns",
        Some("drain-ns"),
        "mailbox-drain-ns",
        false,
    ),
];

/// What one library's child measured (see the module documentation for the keys).
pub type Measured = HashMap<String, f64>;

/// Peak resident set size of this process (VmHWM), in bytes.
fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// The memory and times of one run, printed by the child.
struct Sample {
    rss_before: u64,
    rss_queued: u64,
    heap_queued: i64,
    queue_ns: f64,
    drain_ns: f64,
}

impl Sample {
    fn print(&self) {
        let peak = peak_rss_bytes();
        println!("rss-growth {}", self.rss_queued - self.rss_before);
        println!("peak-rss {peak}");
        println!("peak-rss-growth {}", peak.saturating_sub(self.rss_before));
        println!("heap {}", self.heap_queued);
        println!("queue-ns {}", self.queue_ns);
        println!("drain-ns {}", self.drain_ns);
    }
}

/// The child's side: `bench --mailbox baseline|otp-core`.
pub fn child(ex: &impl Exec, what: &str) {
    let sample = match what {
        "baseline" => ex.drive(on_worker(baseline())),
        "otp-core" => ex.drive(async { Node::new().run(otp()).await.expect("bench process") }),
        other => panic!("unknown --mailbox library {other}"),
    };
    sample.print();
}

/// The baseline's server task, with a gate in front of its loop.
async fn baseline() -> Sample {
    let rss_before = rss_bytes();
    crate::alloc::start();
    let (held_tx, held) = oneshot::channel::<()>();
    let (release, gate) = oneshot::channel::<()>();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let task = tokio::spawn(async move {
        let mut total = 0u64;
        let mut gate = Some((held_tx, gate));
        while let Some(msg) = rx.recv().await {
            if let Some((held, release)) = gate.take() {
                let _ = held.send(());
                let _ = release.await;
            }
            match msg {
                Msg::Call(n, reply) => {
                    total += n;
                    let _ = reply.send(total);
                }
                Msg::Cast(n) => total += n,
            }
        }
    });
    tx.send(Msg::Cast(0)).expect("server alive");
    held.await.expect("server holds");
    let began = Instant::now();
    for i in 0..QUEUED {
        tx.send(Msg::Cast(i)).expect("server alive");
    }
    let queued = began.elapsed();
    let (rss_queued, heap_queued) = (rss_bytes(), crate::alloc::live());
    crate::alloc::stop();
    let began = Instant::now();
    let _ = release.send(());
    crate::baseline::call(&tx, 0).await;
    let drained = began.elapsed();
    drop(tx);
    task.await.expect("server ends");
    Sample {
        rss_before,
        rss_queued,
        heap_queued,
        queue_ns: queued.as_nanos() as f64 / QUEUED as f64,
        drain_ns: drained.as_nanos() as f64 / QUEUED as f64,
    }
}

/// A GenServer that holds at its first cast until released.
#[derive(Debug)]
struct Holder {
    total: u64,
    gate: Option<(oneshot::Sender<()>, oneshot::Receiver<()>)>,
}

impl GenServer for Holder {
    type Arg = (oneshot::Sender<()>, oneshot::Receiver<()>);
    type Call = u64;
    type Reply = u64;
    type Cast = u64;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(gate: Self::Arg) -> Init<Self> {
        Init::Ok(Holder {
            total: 0,
            gate: Some(gate),
        })
    }

    async fn handle_call(&mut self, n: u64, _from: &Caller<u64>) -> CallResult<Self> {
        self.total += n;
        CallResult::Reply(self.total)
    }

    async fn handle_cast(&mut self, n: u64) -> CastResult<Self> {
        if let Some((held, release)) = self.gate.take() {
            let _ = held.send(());
            let _ = release.await;
        }
        self.total += n;
        CastResult::NoReply
    }
}

async fn otp() -> Sample {
    let rss_before = rss_bytes();
    crate::alloc::start();
    let (held_tx, held) = oneshot::channel::<()>();
    let (release, gate) = oneshot::channel::<()>();
    let s = gen_server::start_link::<Holder>((held_tx, gate), Options::new())
        .await
        .expect("start holder");
    gen_server::cast(&s, 0);
    held.await.expect("server holds");
    let began = Instant::now();
    for i in 0..QUEUED {
        gen_server::cast(&s, i);
    }
    let queued = began.elapsed();
    let (rss_queued, heap_queued) = (rss_bytes(), crate::alloc::live());
    crate::alloc::stop();
    let began = Instant::now();
    let _ = release.send(());
    gen_server::call_timeout(&s, 0, Timeout::Infinity)
        .await
        .expect("reply");
    let drained = began.elapsed();
    gen_server::stop(&s, ExitReason::Normal, Timeout::Infinity)
        .await
        .expect("stop holder");
    Sample {
        rss_before,
        rss_queued,
        heap_queued,
        queue_ns: queued.as_nanos() as f64 / QUEUED as f64,
        drain_ns: drained.as_nanos() as f64 / QUEUED as f64,
    }
}

/// Parses what a child printed.
pub fn parse(text: &str) -> Measured {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_string(), v.trim().parse().ok()?))
        })
        .collect()
}
