//! `make bench`: otp-core beside a bare tokio baseline, ractor, kameo and actix, all measured in
//! the same run, and otp-core's own supervisor, registry and process workloads.
//!
//! Every workload runs once to warm up and then five times; the tables show medians and the
//! ratio to the baseline of the same run. otp-core, ractor, kameo and the baseline share one
//! tokio runtime with two worker threads; actix runs on its own single-threaded `System`.
//!
//! `bench [key...]` runs only the workloads with those keys (call, call-timeout, cast, fan-in,
//! idle, restart; processes, link, ring, lookup-restart, tree, dynamic, registry, million).
//! `--current-thread` runs the tokio-based libraries on one thread, as actix runs; `--only
//! <library>` measures only that library beside the baseline (for profiling). `bench --rss
//! <what>` is the fresh child process that measures resident memory.

mod alloc;
mod baseline;
mod harness;
mod otp;
mod peers;
mod processes;
mod tree;

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use harness::{Exec, Figure, Idle, fmt_ns, one, rss_bytes};
use peers::{actix, kameo, ractor};

pub const CALLS: u64 = 200_000;
pub const CASTS: u64 = 1_000_000;
pub const CLIENTS: u64 = 8;
pub const CALLS_PER_CLIENT: u64 = 25_000;
pub const IDLE: u64 = 100_000;
pub const CRASHES: u64 = 2_000;
pub const LINK_KILLS: u64 = 20_000;
pub const RING: u64 = 1000;
pub const HOPS: u64 = 1_000_000;

/// The call timeout of the timed call row: `gen_server::call`'s default.
const TIMEOUT: Duration = Duration::from_millis(5000);

/// A row of the second table: otp-core beside the baseline.
pub struct Row {
    pub workload: &'static str,
    pub unit: &'static str,
    pub baseline: Figure,
    pub otp: Figure,
}

impl Row {
    pub fn new(workload: &'static str, unit: &'static str, baseline: Figure, otp: Figure) -> Row {
        Row {
            workload,
            unit,
            baseline,
            otp,
        }
    }

    pub fn bytes(workload: &'static str, baseline: Figure, otp: Figure) -> Row {
        Row::new(workload, "bytes", baseline, otp)
    }
}

/// One library's figure in the first table, or why it has none.
enum Cell {
    Figure(Figure),
    NotApplicable(&'static str),
}

/// A row of the first table: baseline, otp-core, ractor, kameo, actix.
struct PeerRow {
    workload: &'static str,
    unit: &'static str,
    cells: [Cell; 5],
}

const LIBRARIES: [&str; 5] = ["tokio baseline", "otp-core", "ractor", "kameo", "actix"];

/// `--current-thread`: run the tokio-based libraries on a current-thread runtime (one thread,
/// like actix's System) instead of the 2-worker one, to tell the cost of crossing threads from
/// each library's own cost.
static CURRENT_THREAD: AtomicBool = AtomicBool::new(false);

fn runtime() -> tokio::runtime::Runtime {
    if CURRENT_THREAD.load(Ordering::Relaxed) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    }
}

/// `--only <library>`: measure only that library (and the baseline, which every ratio needs),
/// for profiling one library with `perf` or `valgrind`. An index into `LIBRARIES`.
static ONLY: OnceLock<usize> = OnceLock::new();

const NOT_RUN: &str = "not run (--only)";

fn runs(library: usize) -> bool {
    library == 0 || ONLY.get().is_none_or(|&only| only == library)
}

/// The library's figure, or n/a when `--only` leaves it out.
fn measure(library: usize, f: impl FnOnce() -> Figure) -> Cell {
    if runs(library) {
        Cell::Figure(f())
    } else {
        Cell::NotApplicable(NOT_RUN)
    }
}

fn call(rt: &tokio::runtime::Runtime, timeout: Option<Duration>) -> PeerRow {
    let sys = actix::system();
    let otp_timeout = timeout.map_or(otp_core::Timeout::Infinity, otp_core::Timeout::After);
    PeerRow {
        workload: if timeout.is_some() {
            "call round trip, 5000 ms timeout (200k calls)"
        } else {
            "call round trip, no timeout (200k calls)"
        },
        unit: "per call",
        cells: [
            measure(0, || baseline::call_round_trip(rt)),
            measure(1, || otp::call_round_trip(rt, otp_timeout)),
            measure(2, || ractor::call_round_trip(rt, timeout)),
            measure(3, || kameo::call_round_trip(rt, timeout)),
            measure(4, || actix::call_round_trip(&sys, timeout)),
        ],
    }
}

fn casts(rt: &tokio::runtime::Runtime) -> PeerRow {
    let sys = actix::system();
    PeerRow {
        workload: "cast throughput (1M casts, then a call)",
        unit: "per cast",
        cells: [
            measure(0, || baseline::cast_throughput(rt)),
            measure(1, || otp::cast_throughput(rt)),
            measure(2, || ractor::cast_throughput(rt)),
            measure(3, || kameo::cast_throughput(rt)),
            measure(4, || actix::cast_throughput(&sys)),
        ],
    }
}

fn fan_in(rt: &tokio::runtime::Runtime) -> PeerRow {
    let sys = actix::system();
    PeerRow {
        workload: "fan-in (8 clients x 25k calls)",
        unit: "per call",
        cells: [
            measure(0, || baseline::fan_in(rt)),
            measure(1, || otp::fan_in(rt)),
            measure(2, || ractor::fan_in(rt)),
            measure(3, || kameo::fan_in(rt)),
            measure(4, || actix::fan_in(&sys)),
        ],
    }
}

fn idle(rt: &tokio::runtime::Runtime) -> [PeerRow; 4] {
    let sys = actix::system();
    let all: [Option<Idle>; 5] = [
        Some(baseline::idle(rt)),
        runs(1).then(|| otp::idle(rt)),
        runs(2).then(|| ractor::idle(rt)),
        runs(3).then(|| kameo::idle(rt)),
        runs(4).then(|| actix::idle(&sys)),
    ];
    let rss = ["baseline", "otp-core", "ractor", "kameo", "actix"]
        .iter()
        .enumerate()
        .map(|(i, w)| measure(i, || one(rss_child(w))));
    let cells = |pick: fn(&Idle) -> Figure| {
        all.each_ref().map(|i| match i {
            Some(i) => Cell::Figure(pick(i)),
            None => Cell::NotApplicable(NOT_RUN),
        })
    };
    [
        PeerRow {
            workload: "spawn 100k idle actors",
            unit: "per actor",
            cells: cells(|i| i.spawn),
        },
        PeerRow {
            workload: "stop 100k idle actors",
            unit: "per actor",
            cells: cells(|i| i.stop),
        },
        PeerRow {
            workload: "  heap per idle actor",
            unit: "bytes",
            cells: cells(|i| i.heap),
        },
        PeerRow {
            workload: "  RSS per idle actor (fresh process)",
            unit: "bytes",
            cells: rss
                .collect::<Vec<_>>()
                .try_into()
                .unwrap_or_else(|_| unreachable!("five libraries")),
        },
    ]
}

fn restart(rt: &tokio::runtime::Runtime) -> PeerRow {
    harness::expect_panics(true);
    let cells = [
        measure(0, || baseline::restart(rt)),
        measure(1, || otp::restart(rt)),
        measure(2, || ractor::restart(rt)),
        measure(3, || kameo::restart(rt)),
        Cell::NotApplicable(ACTIX_NO_RESTART),
    ];
    harness::expect_panics(false);
    PeerRow {
        workload: "crash-to-restarted under a supervisor (2k panics)",
        unit: "per restart",
        cells,
    }
}

const ACTIX_NO_RESTART: &str = "actix does not catch a panicking handler: the panic unwinds \
     out of the actor's task, which tokio drops with the actor and its mailbox; \
     actix::Supervisor restarts only an actor that stopped itself (ctx.stop())";

/// Resident memory per idle thing, measured in a fresh copy of this program so that no earlier
/// workload's freed memory is reused: `bench --rss <what>` prints bytes per thing.
fn rss_child(what: &str) -> f64 {
    let exe = std::env::current_exe().expect("own path");
    let mut command = std::process::Command::new(exe);
    if CURRENT_THREAD.load(Ordering::Relaxed) {
        command.arg("--current-thread");
    }
    let out = command.args(["--rss", what]).output().expect("run self");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(f64::NAN)
}

fn rss_measure(what: &str) {
    let per = if what == "actix" {
        let sys = actix::system();
        sys.drive(tokio::task::yield_now());
        let before = rss_bytes();
        actix::rss(&sys, before)
    } else {
        let rt = runtime();
        // Start the workers, then measure.
        rt.block_on(tokio::task::yield_now());
        let before = rss_bytes();
        match what {
            "baseline" => baseline::rss(&rt, before),
            "otp-core" => otp::rss(&rt, before),
            "ractor" => ractor::rss(&rt, before),
            "kameo" => kameo::rss(&rt, before),
            "tokio-task" => processes::rss(&rt, before, IDLE, false),
            "process" => processes::rss(&rt, before, IDLE, true),
            "million-task" => processes::rss(&rt, before, tree::MILLION, false),
            "million-process" => processes::rss(&rt, before, tree::MILLION, true),
            other => panic!("unknown --rss workload {other}"),
        }
    };
    println!("{per:.0}");
}

fn fmt_value(unit: &str, x: f64) -> String {
    if unit == "bytes" {
        format!("{x:.0} B")
    } else {
        fmt_ns(x)
    }
}

fn print_peers(rows: &[PeerRow]) {
    let mut notes: Vec<&str> = Vec::new();
    println!("| workload | unit | {} |", LIBRARIES.join(" | "));
    println!("|---|---|{}", "---|".repeat(LIBRARIES.len()));
    for r in rows {
        let Cell::Figure(base) = r.cells[0] else {
            unreachable!("the baseline runs every workload")
        };
        let cells: Vec<String> = r
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Cell::Figure(f) if i == 0 => fmt_value(r.unit, f.median),
                Cell::Figure(f) => format!(
                    "{} ({:.2}x)",
                    fmt_value(r.unit, f.median),
                    f.median / base.median
                ),
                Cell::NotApplicable(why) => {
                    let n = match notes.iter().position(|n| n == why) {
                        Some(i) => i + 1,
                        None => {
                            notes.push(why);
                            notes.len()
                        }
                    };
                    format!("n/a ({n})")
                }
            })
            .collect();
        println!("| {} | {} | {} |", r.workload, r.unit, cells.join(" | "));
    }
    for (i, n) in notes.iter().enumerate() {
        println!("\n({}) {n}", i + 1);
    }
}

/// Heap allocations per operation, for the rows measured per operation.
fn print_allocations(rows: &[PeerRow]) {
    println!("| workload | unit | {} |", LIBRARIES.join(" | "));
    println!("|---|---|{}", "---|".repeat(LIBRARIES.len()));
    for r in rows {
        let counted = |c: &Cell| match c {
            Cell::Figure(f) => f.allocations,
            Cell::NotApplicable(_) => None,
        };
        if counted(&r.cells[0]).is_none() {
            continue;
        }
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|c| counted(c).map_or("n/a".into(), |a| format!("{a:.2}")))
            .collect();
        let unit = r.unit.replacen("per ", "allocations per ", 1);
        println!("| {} | {} | {} |", r.workload, unit, cells.join(" | "));
    }
}

fn print_otp(rows: &[Row]) {
    println!("| workload | unit | tokio baseline | otp-core | ratio |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {:.2}x |",
            r.workload,
            r.unit,
            fmt_value(r.unit, r.baseline.median),
            fmt_value(r.unit, r.otp.median),
            r.otp.median / r.baseline.median
        );
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn main() {
    harness::install_panic_hook();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--current-thread") {
        args.remove(i);
        CURRENT_THREAD.store(true, Ordering::Relaxed);
    }
    if let Some(i) = args.iter().position(|a| a == "--only") {
        args.remove(i);
        let name = if i < args.len() {
            args.remove(i)
        } else {
            String::new()
        };
        let Some(library) = LIBRARIES.iter().skip(1).position(|l| *l == name) else {
            eprintln!("--only takes one of: otp-core, ractor, kameo, actix");
            std::process::exit(2);
        };
        let _ = ONLY.set(library + 1);
    }
    if args.first().map(String::as_str) == Some("--rss") {
        rss_measure(args.get(1).map(String::as_str).unwrap_or(""));
        return;
    }
    let wants = |key: &str| args.is_empty() || args.iter().any(|a| a == key);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "machine: {}, {cores} cores; load average (1, 5, 15 min) at start: {}",
        cpu_model(),
        load_average()
    );
    println!(
        "versions: otp-core {} (this repository), ractor {}, kameo {}, actix {} (actix-rt {}), tokio {}",
        env!("VERSION_OTP_CORE"),
        env!("VERSION_RACTOR"),
        env!("VERSION_KAMEO"),
        env!("VERSION_ACTIX"),
        env!("VERSION_ACTIX_RT"),
        env!("VERSION_TOKIO"),
    );
    let tokio_runtime = if CURRENT_THREAD.load(Ordering::Relaxed) {
        "one tokio current-thread runtime (--current-thread)"
    } else {
        "one tokio multi-thread runtime with 2 workers"
    };
    println!(
        "runtime: baseline, otp-core, ractor and kameo on {tokio_runtime}; actix on its own \
         System (one thread). Warm-up, then the median of {} runs.\n",
        harness::RUNS
    );

    let rt = runtime();
    let mut peers = Vec::new();
    let step = |name: &str| eprintln!("running: {name}");
    if wants("call") {
        step("call round trips");
        peers.push(call(&rt, None));
    }
    if wants("call-timeout") {
        step("call round trips with a timeout");
        peers.push(call(&rt, Some(TIMEOUT)));
    }
    if wants("cast") {
        step("casts");
        peers.push(casts(&rt));
    }
    if wants("fan-in") {
        step("fan-in");
        peers.push(fan_in(&rt));
    }
    if wants("idle") {
        step("idle actors");
        peers.extend(idle(&rt));
    }
    if wants("restart") {
        step("restarts");
        peers.push(restart(&rt));
    }

    let mut rows = Vec::new();
    if wants("processes") {
        step("idle processes");
        rows.extend(processes::idle(&rt));
        rows.push(Row::bytes(
            "  RSS per idle process (fresh process)",
            one(rss_child("tokio-task")),
            one(rss_child("process")),
        ));
    }
    if wants("link") {
        step("spawn_link + kill");
        rows.push(processes::link_kill(&rt));
    }
    if wants("ring") {
        step("ring");
        rows.push(processes::ring(&rt));
    }
    if wants("lookup-restart") {
        step("restarts through which_children");
        harness::expect_panics(true);
        rows.push(tree::restart(&rt));
        harness::expect_panics(false);
    }
    if wants("tree") {
        step("supervisor stop");
        rows.push(tree::stop_tree(&rt));
    }
    if wants("dynamic") {
        step("dynamic supervisor");
        rows.extend(tree::dynamic(&rt));
    }
    if wants("registry") {
        step("registry");
        rows.extend(tree::registry(&rt));
    }
    if wants("million") {
        step("a million processes");
        rows.extend(tree::million(&rt));
        rows.push(Row::bytes(
            "  RSS per process, 1M idle (fresh process)",
            one(rss_child("million-task")),
            one(rss_child("million-process")),
        ));
    }

    if !peers.is_empty() {
        println!("## otp-core and its peers\n");
        print_peers(&peers);
        println!("\n### Heap allocations per operation (counted during the warm-up run)\n");
        print_allocations(&peers);
        println!();
    }
    if !rows.is_empty() {
        println!("## otp-core alone (beside the tokio baseline)\n");
        print_otp(&rows);
        println!();
    }
    println!("load average at end: {}", load_average());
}
