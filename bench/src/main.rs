//! `make bench`: otp-core beside a bare tokio baseline, ractor, kameo, actix and the BEAM, all
//! measured in the same run, and otp-core's own supervisor, registry and process workloads.
//!
//! Every workload runs once to warm up and then five times; the tables show medians and the
//! ratio to the baseline of the same run. otp-core, ractor, kameo and the baseline share one
//! tokio runtime with two worker threads; actix runs on its own single-threaded `System`; the
//! BEAM column runs the same workloads written in Erlang (`bench/beam/`) on an `erl` with two
//! schedulers, when `erl` is on the PATH.
//!
//! `bench [key...]` runs only the workloads with those keys (call, call-timeout, cast, fan-in,
//! idle, restart; processes, link, monitors, ring, lookup-restart, tree, dynamic, registry,
//! million; mailbox; dist). `--current-thread` runs the tokio-based libraries on one thread, as actix
//! runs; `--only <library>` measures only that library beside the baseline (for profiling).
//! `bench --rss <what>` and `bench --mailbox <what>` are the fresh child processes that measure
//! resident memory; `bench --dist-node <name> <cookie>` is the second otp-core node of the
//! distribution rows (see `dist.rs`).

mod alloc;
mod baseline;
mod beam;
mod dist;
mod harness;
mod mailbox;
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
pub const MONITORS: u64 = 50_000;
pub const RING: u64 = 1000;
pub const HOPS: u64 = 1_000_000;

/// The call timeout of the timed call row: `gen_server::call`'s default.
const TIMEOUT: Duration = Duration::from_millis(5000);

/// A row of the second table: otp-core and the BEAM beside the baseline.
pub struct Row {
    pub workload: &'static str,
    pub unit: &'static str,
    pub baseline: Figure,
    pub otp: Figure,
    /// Set by `main` once the BEAM has run the same workload.
    beam: Cell,
}

impl Row {
    pub fn new(workload: &'static str, unit: &'static str, baseline: Figure, otp: Figure) -> Row {
        Row {
            workload,
            unit,
            baseline,
            otp,
            beam: Cell::NotRun("not measured".into()),
        }
    }

    pub fn bytes(workload: &'static str, baseline: Figure, otp: Figure) -> Row {
        Row::new(workload, "bytes", baseline, otp)
    }
}

/// One library's figure, or why it has none: the library lacks the workload (n/a), or it was
/// not measured in this run (not run).
enum Cell {
    Figure(Figure),
    NotApplicable(&'static str),
    NotRun(String),
}

/// A row of the first table: baseline, otp-core, ractor, kameo, actix, BEAM.
struct PeerRow {
    workload: &'static str,
    unit: &'static str,
    cells: [Cell; 6],
}

/// The column headings of the first table, and the names `--only` takes.
const LIBRARIES: [&str; 6] = [
    "tokio baseline",
    "otp-core",
    "ractor",
    "kameo",
    "actix",
    "BEAM (+S 2)",
];
const NAMES: [&str; 6] = ["baseline", "otp-core", "ractor", "kameo", "actix", "beam"];
const BEAM: usize = 5;

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

const NOT_RUN: &str = "left out by --only";

fn runs(library: usize) -> bool {
    library == 0 || ONLY.get().is_none_or(|&only| only == library)
}

/// The library's figure, or "not run" when `--only` leaves it out.
fn measure(library: usize, f: impl FnOnce() -> Figure) -> Cell {
    if runs(library) {
        Cell::Figure(f())
    } else {
        Cell::NotRun(NOT_RUN.into())
    }
}

/// The BEAM's figures for `keys`, from one run of the Erlang script with `args`.
fn beam(args: &[&str], keys: &[&str]) -> Vec<Cell> {
    if !runs(BEAM) {
        return keys.iter().map(|_| Cell::NotRun(NOT_RUN.into())).collect();
    }
    beam::figures(args, keys)
        .into_iter()
        .map(|f| f.map_or_else(Cell::NotRun, Cell::Figure))
        .collect()
}

fn beam1(args: &[&str], key: &str) -> Cell {
    beam(args, &[key]).pop().expect("one cell")
}

/// Sets the BEAM cells of the last `keys.len()` rows.
fn attach_beam(rows: &mut [Row], args: &[&str], keys: &[&str]) {
    let at = rows.len() - keys.len();
    for (row, cell) in rows[at..].iter_mut().zip(beam(args, keys)) {
        row.beam = cell;
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
            if timeout.is_some() {
                beam1(&["call-timeout"], "call-timeout")
            } else {
                beam1(&["call"], "call")
            },
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
            beam1(&["cast"], "cast"),
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
            beam1(&["fan-in"], "fan-in"),
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
    let mut rss: Vec<Cell> = NAMES[..5]
        .iter()
        .enumerate()
        .map(|(i, w)| measure(i, || one(rss_child(w))))
        .collect();
    rss.push(beam1(&["--rss", "gen-server"], "rss-gen-server"));
    let mut beam = beam(&["idle"], &["idle-spawn", "idle-stop", "idle-heap"]).into_iter();
    let mut cells = |pick: fn(&Idle) -> Figure| {
        let [a, b, c, d, e] = all.each_ref().map(|i| match i {
            Some(i) => Cell::Figure(pick(i)),
            None => Cell::NotRun(NOT_RUN.into()),
        });
        [a, b, c, d, e, beam.next().expect("three BEAM rows")]
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
                .try_into()
                .unwrap_or_else(|_| unreachable!("six libraries")),
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
        beam1(&["restart"], "restart"),
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
    fresh_child("--rss", what)
        .trim()
        .parse()
        .unwrap_or(f64::NAN)
}

/// Runs `bench <mode> <what>` (with `--current-thread` if this run has it) and returns what it
/// printed.
fn fresh_child(mode: &str, what: &str) -> String {
    let exe = std::env::current_exe().expect("own path");
    let mut command = std::process::Command::new(exe);
    if CURRENT_THREAD.load(Ordering::Relaxed) {
        command.arg("--current-thread");
    }
    let out = command.args([mode, what]).output().expect("run self");
    String::from_utf8_lossy(&out.stdout).into_owned()
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
    } else if unit == "MB" {
        format!("{:.1} MB", x / 1_000_000.0)
    } else {
        fmt_ns(x)
    }
}

/// Footnotes of one table: "not run (2)" and "n/a (1)" point at them.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn mark(&mut self, why: &str) -> usize {
        match self.0.iter().position(|n| n == why) {
            Some(i) => i + 1,
            None => {
                self.0.push(why.to_string());
                self.0.len()
            }
        }
    }

    fn print(&self) {
        for (i, n) in self.0.iter().enumerate() {
            println!("\n({}) {n}", i + 1);
        }
    }
}

/// A cell as the tables print it: the figure and its ratio to `base` (none for the baseline
/// itself), or "n/a" / "not run" with a footnote.
fn show(cell: &Cell, unit: &str, base: Option<f64>, notes: &mut Notes) -> String {
    match cell {
        Cell::Figure(f) => match base {
            None => fmt_value(unit, f.median),
            Some(b) => format!("{} ({:.2}x)", fmt_value(unit, f.median), f.median / b),
        },
        Cell::NotApplicable(why) => format!("n/a ({})", notes.mark(why)),
        Cell::NotRun(why) => format!("not run ({})", notes.mark(why)),
    }
}

fn print_peers(rows: &[PeerRow]) {
    let mut notes = Notes::default();
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
            .map(|(i, c)| show(c, r.unit, (i > 0).then_some(base.median), &mut notes))
            .collect();
        println!("| {} | {} | {} |", r.workload, r.unit, cells.join(" | "));
    }
    notes.print();
}

/// A count per operation made during the warm-up runs (allocations, context switches, worker
/// parks), for the Rust libraries' rows measured per operation.
fn print_counts(rows: &[PeerRow], what: &str, pick: fn(&Figure) -> Option<f64>) {
    println!("| workload | unit | {} |", LIBRARIES[..BEAM].join(" | "));
    println!("|---|---|{}", "---|".repeat(BEAM));
    for r in rows {
        let counted = |c: &Cell| match c {
            Cell::Figure(f) => pick(f),
            _ => None,
        };
        if r.cells[..BEAM].iter().all(|c| counted(c).is_none()) {
            continue;
        }
        let cells: Vec<String> = r.cells[..BEAM]
            .iter()
            .map(|c| counted(c).map_or("n/a".into(), |a| format!("{a:.2}")))
            .collect();
        let unit = r.unit.replacen("per ", &format!("{what} per "), 1);
        println!("| {} | {} | {} |", r.workload, unit, cells.join(" | "));
    }
}

fn print_otp(rows: &[Row]) {
    let mut notes = Notes::default();
    println!(
        "| workload | unit | tokio baseline | otp-core | {} |",
        LIBRARIES[BEAM]
    );
    println!("|---|---|---|---|---|");
    for r in rows {
        let base = Some(r.baseline.median);
        println!(
            "| {} | {} | {} | {} | {} |",
            r.workload,
            r.unit,
            fmt_value(r.unit, r.baseline.median),
            show(&Cell::Figure(r.otp), r.unit, base, &mut notes),
            show(&r.beam, r.unit, base, &mut notes),
        );
    }
    notes.print();
}

/// Memory under load: `bench --mailbox <library>` in a fresh process for the baseline and
/// otp-core, `escript bench.escript --mailbox` in a fresh VM for the BEAM.
fn print_mailbox() {
    let measured = |what: &str| -> Result<mailbox::Measured, String> {
        let library = NAMES.iter().position(|n| *n == what).expect("a library");
        if !runs(library) {
            return Err(NOT_RUN.into());
        }
        let m = mailbox::parse(&fresh_child("--mailbox", what));
        if m.is_empty() {
            Err(format!("`bench --mailbox {what}` printed nothing"))
        } else {
            Ok(m)
        }
    };
    let (base, otp) = (measured("baseline"), measured("otp-core"));
    let beam_keys: Vec<&str> = mailbox::LINES.iter().map(|l| l.beam).collect();
    let beam_cells = beam(&["--mailbox"], &beam_keys);
    let mut notes = Notes::default();
    println!(
        "| {}M casts queued in one server | unit | tokio baseline | otp-core | {} |",
        mailbox::QUEUED / 1_000_000,
        LIBRARIES[BEAM]
    );
    println!("|---|---|---|---|---|");
    for (line, beam_cell) in mailbox::LINES.iter().zip(beam_cells) {
        let value_unit = line.value_unit;
        let div = if line.per_message {
            mailbox::QUEUED as f64
        } else {
            1.0
        };
        let rust = |m: &Result<mailbox::Measured, String>| match (m, line.rust) {
            (_, None) => Cell::NotApplicable("no per-process memory count in the Rust libraries"),
            (Err(why), _) => Cell::NotRun(why.clone()),
            (Ok(m), Some(k)) => m.get(k).map_or_else(
                || Cell::NotRun(format!("no `{k}` figure")),
                |v| Cell::Figure(one(v / div)),
            ),
        };
        let scaled = |c: Cell| match c {
            Cell::Figure(f) => Cell::Figure(one(f.median / div)),
            other => other,
        };
        let (b, o, e) = (rust(&base), rust(&otp), scaled(beam_cell));
        let ratio_to = match &b {
            Cell::Figure(f) => Some(f.median),
            _ => None,
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            line.workload,
            line.unit,
            show(&b, value_unit, None, &mut notes),
            show(&o, value_unit, ratio_to, &mut notes),
            show(&e, value_unit, ratio_to, &mut notes),
        );
    }
    println!(
        "\n(a) Rust: the counting allocator's bytes in use; BEAM: the growth of \
         erlang:memory(total).\n(b) BEAM: process_info(Server, memory), which includes the \
         message queue."
    );
    notes.print();
}

/// Distribution over loopback: the BEAM to BEAM row from the Erlang script, the otp-core rows
/// from `dist.rs`, each beside the BEAM to BEAM figure of this run.
fn print_distribution() {
    let rt = runtime();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let cookie = format!("otpbenchrs{:x}{:x}", std::process::id(), nanos);
    let otp = runs(1);
    let with_beam = runs(BEAM) && otp;
    let beam_beam = if runs(BEAM) {
        beam::distribution().inspect_err(|why| eprintln!("BEAM: {why}"))
    } else {
        Err(NOT_RUN.into())
    };
    // One private epmd for the otp-core rows (the BEAM to BEAM row starts its own).
    let epmd = match beam::Epmd::start_if_present() {
        Some(Ok(epmd)) => Ok(epmd),
        Some(Err(why)) => Err(why),
        None => Err("`epmd` is not on the PATH".to_string()),
    };
    if let Err(why) = &epmd {
        eprintln!("distribution: {why}; the otp-core nodes are given each other's address");
    }
    let epmd_port = epmd.as_ref().ok().map(|e| e.port);
    let flags: &[&str] = if CURRENT_THREAD.load(Ordering::Relaxed) {
        &["--current-thread"]
    } else {
        &[]
    };
    let skipped = || Err::<(Figure, Figure), String>(NOT_RUN.into());
    eprintln!("  tokio TCP floor");
    let floor = if otp {
        Ok(dist::tcp_floor(&rt))
    } else {
        skipped()
    };
    let mut server = if otp {
        dist::RustServer::start(&rt, "s", &cookie, epmd_port)
    } else {
        Err(NOT_RUN.into())
    };
    eprintln!("  otp-core -> otp-core, one process");
    let one_process = match &mut server {
        Ok(server) => dist::in_process(&rt, server, &cookie, epmd_port),
        Err(why) => Err(why.clone()),
    };
    eprintln!("  otp-core -> otp-core, two processes");
    let two_processes = if otp {
        dist::two_processes(&rt, &cookie, epmd_port, flags)
    } else {
        skipped()
    };
    let beam_ready = || -> Result<u16, String> {
        if !with_beam {
            return Err(NOT_RUN.into());
        }
        beam::version().map_err(str::to_string)?;
        if !beam::erl_present() {
            return Err("`erl` is not on the PATH".into());
        }
        epmd.as_ref().map(|e| e.port).map_err(Clone::clone)
    };
    eprintln!("  otp-core -> BEAM");
    let to_beam = beam_ready().and_then(|port| dist::to_beam(&rt, &cookie, port));
    eprintln!("  BEAM -> otp-core");
    let from_beam = beam_ready().and_then(|port| match &mut server {
        Ok(server) => dist::from_beam(&rt, server, &cookie, port),
        Err(why) => Err(why.clone()),
    });
    let inspect = |what: &str, r: &Result<(Figure, Figure), String>| {
        if let Err(why) = r
            && why != NOT_RUN
        {
            eprintln!("{what}: {why}");
        }
    };
    inspect("otp-core -> otp-core, one process", &one_process);
    inspect("otp-core -> otp-core, two processes", &two_processes);
    inspect("otp-core -> BEAM", &to_beam);
    inspect("BEAM -> otp-core", &from_beam);
    drop(server);
    drop(epmd);
    drop(rt);

    let cells = |pair: &Result<(Figure, Figure), String>| -> [Cell; 2] {
        match pair {
            Ok((call, cast)) => [Cell::Figure(*call), Cell::Figure(*cast)],
            Err(why) => [Cell::NotRun(why.clone()), Cell::NotRun(why.clone())],
        }
    };
    let beam_cells: [Cell; 2] = ["dist-call", "dist-cast"].map(|k| match &beam_beam {
        Ok(out) => out
            .row(k)
            .map_or_else(|| Cell::NotRun(format!("no `{k}` row")), Cell::Figure),
        Err(why) => Cell::NotRun(why.clone()),
    });
    let base: [Option<f64>; 2] = [0, 1].map(|i| match &beam_cells[i] {
        Cell::Figure(f) => Some(f.median),
        _ => None,
    });
    let rows: [(&str, [Cell; 2]); 6] = [
        (
            "tokio TCP floor (request/response on one TcpStream, one process)",
            cells(&floor),
        ),
        ("BEAM -> BEAM (two nodes, +S 2 each)", beam_cells),
        (
            "otp-core -> otp-core (two nodes in one process, one 2-worker runtime)",
            cells(&one_process),
        ),
        (
            "otp-core -> otp-core (two processes, a 2-worker runtime each)",
            cells(&two_processes),
        ),
        ("otp-core -> BEAM (erl +S 2)", cells(&to_beam)),
        (
            "BEAM -> otp-core (erl +S 2, timed in Erlang)",
            cells(&from_beam),
        ),
    ];
    let mut notes = Notes::default();
    println!(
        "| client -> server | remote call round trip ({}k calls, no timeout) | remote cast \
         throughput ({}k casts, then a call) |",
        beam::REMOTE_CALLS / 1000,
        beam::REMOTE_CASTS / 1000
    );
    println!("|---|---|---|");
    for (i, (pair, [call, cast])) in rows.iter().enumerate() {
        // Ratios to BEAM -> BEAM (none on that row itself).
        let ratio = |k: usize| if i == 1 { None } else { base[k] };
        println!(
            "| {pair} | {} | {} |",
            show(call, "per call", ratio(0), &mut notes),
            show(cast, "per cast", ratio(1), &mut notes)
        );
    }
    if base.iter().any(Option::is_some) {
        println!("\n(x) is the ratio to BEAM -> BEAM of this run.");
    }
    notes.print();
    println!(
        "\nCounted in this process during the warm-up run, per operation: heap allocations and \
         parks of its tokio workers (rows timed here; in the one-process row both nodes are in \
         this process, in the others only the client):\n"
    );
    println!(
        "| client -> server | allocations per call | allocations per cast | worker parks per \
         call |"
    );
    println!("|---|---|---|---|");
    for (pair, [call, cast]) in &rows {
        let (Cell::Figure(call), Cell::Figure(cast)) = (call, cast) else {
            continue;
        };
        let count = |x: Option<f64>| x.map_or("n/a".into(), |x| format!("{x:.1}"));
        if call.allocations.is_some() {
            println!(
                "| {pair} | {} | {} | {} |",
                count(call.allocations),
                count(cast.allocations),
                count(call.parks)
            );
        }
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
        let Some(library) = NAMES.iter().skip(1).position(|l| *l == name) else {
            eprintln!("--only takes one of: otp-core, ractor, kameo, actix, beam");
            std::process::exit(2);
        };
        let _ = ONLY.set(library + 1);
    }
    match args.first().map(String::as_str) {
        Some("--rss") => {
            rss_measure(args.get(1).map(String::as_str).unwrap_or(""));
            return;
        }
        Some("--mailbox") => {
            let what = args.get(1).map(String::as_str).unwrap_or("");
            mailbox::child(&runtime(), what);
            return;
        }
        Some("--dist-node") => {
            dist::child(&runtime(), &args[1..]);
            return;
        }
        _ => {}
    }
    let wants = |key: &str| args.is_empty() || args.iter().any(|a| a == key);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "machine: {}, {cores} cores; load average (1, 5, 15 min) at start: {}",
        cpu_model(),
        load_average()
    );
    beam::probe(if !runs(BEAM) {
        Some(NOT_RUN)
    } else if CURRENT_THREAD.load(Ordering::Relaxed) {
        Some("--current-thread compares one-thread runtimes; the BEAM runs in the full run")
    } else {
        None
    });
    println!(
        "versions: otp-core {} (this repository), ractor {}, kameo {}, actix {} (actix-rt {}), tokio {}",
        env!("VERSION_OTP_CORE"),
        env!("VERSION_RACTOR"),
        env!("VERSION_KAMEO"),
        env!("VERSION_ACTIX"),
        env!("VERSION_ACTIX_RT"),
        env!("VERSION_TOKIO"),
    );
    match beam::version() {
        Ok(v) => println!(
            "BEAM: {v} (escript bench/beam/bench.escript, +S 2: two schedulers, one per core)"
        ),
        Err(why) => println!("BEAM: not run ({why})"),
    }
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
        attach_beam(
            &mut rows,
            &["processes"],
            &["processes-spawn", "processes-stop", "processes-heap"],
        );
        rows.push(Row::bytes(
            "  RSS per idle process (fresh process)",
            one(rss_child("tokio-task")),
            one(rss_child("process")),
        ));
        attach_beam(&mut rows, &["--rss", "process"], &["rss-process"]);
    }
    if wants("link") {
        step("spawn_link + kill");
        rows.push(processes::link_kill(&rt));
        attach_beam(&mut rows, &["link"], &["link"]);
    }
    if wants("monitors") {
        step("monitor churn");
        rows.push(processes::monitor_churn(&rt));
    }
    if wants("ring") {
        step("ring");
        rows.push(processes::ring(&rt));
        attach_beam(&mut rows, &["ring"], &["ring"]);
    }
    if wants("lookup-restart") {
        step("restarts through which_children");
        harness::expect_panics(true);
        rows.push(tree::restart(&rt));
        harness::expect_panics(false);
        attach_beam(&mut rows, &["lookup-restart"], &["lookup-restart"]);
    }
    if wants("tree") {
        step("supervisor stop");
        rows.push(tree::stop_tree(&rt));
        attach_beam(&mut rows, &["tree"], &["tree"]);
    }
    if wants("dynamic") {
        step("dynamic supervisor");
        rows.extend(tree::dynamic(&rt));
        attach_beam(&mut rows, &["dynamic"], &["dynamic-start", "dynamic-stop"]);
    }
    if wants("registry") {
        step("registry");
        rows.extend(tree::registry(&rt));
        attach_beam(
            &mut rows,
            &["registry"],
            &["registry-register", "registry-lookup"],
        );
    }
    if wants("million") {
        step("a million processes");
        rows.extend(tree::million(&rt));
        attach_beam(&mut rows, &["million"], &["million-spawn", "million-stop"]);
        rows.push(Row::bytes(
            "  RSS per process, 1M idle (fresh process)",
            one(rss_child("million-task")),
            one(rss_child("million-process")),
        ));
        attach_beam(
            &mut rows,
            &["--rss", "million-process"],
            &["rss-million-process"],
        );
    }
    drop(rt);

    if !peers.is_empty() {
        println!("## otp-core and its peers\n");
        print_peers(&peers);
        println!("\n### Heap allocations per operation (counted during the warm-up run)\n");
        print_counts(&peers, "allocations", |f| f.allocations);
        println!("\n### Thread context switches per operation (counted during the warm-up run)\n");
        print_counts(&peers, "context switches", |f| f.switches);
        println!("\n### tokio worker parks per operation (counted during the warm-up run)\n");
        print_counts(&peers, "worker parks", |f| f.parks);
        println!();
    }
    if !rows.is_empty() {
        println!("## otp-core alone (beside the tokio baseline)\n");
        print_otp(&rows);
        println!();
    }
    if wants("mailbox") {
        eprintln!("running: memory under load");
        println!("## Memory under load\n");
        print_mailbox();
        println!();
    }
    if wants("dist") {
        eprintln!("running: distribution");
        println!("## Distribution over loopback (127.0.0.1)\n");
        print_distribution();
        println!();
    }
    let notes = beam::notes();
    if !notes.is_empty() {
        println!("BEAM figures quoted in BENCHMARKS.md: {}", notes.join(", "));
    }
    println!("load average at end: {}", load_average());
}
