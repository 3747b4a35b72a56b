//! Runs each workload once to warm up and then five times, and keeps the median.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub const RUNS: usize = 5;

/// A workload: an async block that does some operations and says how many.
pub type Work = Pin<Box<dyn Future<Output = u64>>>;

/// Boxes a workload.
pub fn boxed(f: impl Future<Output = u64> + 'static) -> Work {
    Box::pin(f)
}

/// Something that runs a future to completion on its own threads: the 2-worker tokio runtime
/// shared by otp-core, ractor, kameo and the baseline, or actix's `System`.
pub trait Exec {
    fn drive<F: Future>(&self, fut: F) -> F::Output;

    /// How many times the runtime's worker threads have parked (gone to sleep waiting for
    /// work) so far, where the runtime counts it.
    fn parks(&self) -> Option<u64> {
        None
    }
}

impl Exec for tokio::runtime::Runtime {
    fn drive<F: Future>(&self, fut: F) -> F::Output {
        self.block_on(fut)
    }

    fn parks(&self) -> Option<u64> {
        let m = self.metrics();
        Some((0..m.num_workers()).map(|w| m.worker_park_count(w)).sum())
    }
}

impl Exec for actix::SystemRunner {
    fn drive<F: Future>(&self, fut: F) -> F::Output {
        self.block_on(fut)
    }
}

/// Context switches of every thread of this process so far (voluntary and involuntary, from
/// /proc/self/task/*/status): each time a thread went to sleep or was preempted. A thread that
/// exits takes its count with it; the runtimes' worker threads live for the whole run.
pub fn context_switches() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("status")).ok())
        .flat_map(|status| {
            status
                .lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split(':').nth(1)?.trim().parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}

/// Median, fastest and slowest of the runs.
#[derive(Clone, Copy, Debug)]
pub struct Figure {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// Heap allocations per operation, counted during the warm-up run (whatever thread made
    /// them), where the workload is a [`per_op`] one.
    pub allocations: Option<f64>,
    /// Context switches of all threads per operation during the warm-up run ([`per_op`]).
    pub switches: Option<f64>,
    /// Parks of the runtime's worker threads per operation during the warm-up run ([`per_op`],
    /// tokio runtimes only).
    pub parks: Option<f64>,
}

/// Nanoseconds per operation of `make()`: one warm-up run, during which the allocator counts
/// allocations and the thread context switches and worker parks are counted, then `RUNS`
/// measured runs.
pub fn per_op(ex: &impl Exec, mut make: impl FnMut() -> Work) -> Figure {
    let (switches, parks) = (context_switches(), ex.parks());
    crate::alloc::start();
    let ops = ex.drive(make());
    let allocations = crate::alloc::allocations() as f64 / ops.max(1) as f64;
    crate::alloc::stop();
    let per = |n: u64| n as f64 / ops.max(1) as f64;
    let switches = per(context_switches().saturating_sub(switches));
    let parks = ex
        .parks()
        .zip(parks)
        .map(|(after, before)| per(after - before));
    let samples = (0..RUNS)
        .map(|_| {
            let work = make();
            let start = Instant::now();
            let ops = ex.drive(work);
            start.elapsed().as_nanos() as f64 / ops.max(1) as f64
        })
        .collect();
    Figure {
        allocations: Some(allocations),
        switches: Some(switches),
        parks,
        ..figure(samples)
    }
}

/// What [`idle`] measures: time per spawn, time per stop, heap bytes per idle actor.
pub struct Idle {
    pub spawn: Figure,
    pub stop: Figure,
    pub heap: Figure,
}

/// Spawns `n` idle actors with `spawn_all` (which returns once all of them are running),
/// measures the time per spawn and the heap bytes per actor (counted by the allocator while they
/// are alive), then stops them all with `stop_all` (which returns once every one is gone) and
/// measures the time per stop. One warm-up run, which also counts the allocations per spawn
/// and per stop, then `RUNS` measured runs.
pub fn idle<T, F, G>(
    ex: &impl Exec,
    n: u64,
    spawn_all: impl Fn() -> F,
    stop_all: impl Fn(T) -> G,
) -> Idle
where
    F: Future<Output = T>,
    G: Future<Output = ()>,
{
    let (mut spawns, mut stops, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
    let (mut spawn_allocations, mut stop_allocations) = (None, None);
    for run in 0..=RUNS {
        crate::alloc::start();
        let start = Instant::now();
        let actors = ex.drive(spawn_all());
        let spawned = start.elapsed();
        let live = crate::alloc::live();
        let allocations = crate::alloc::allocations();
        crate::alloc::stop();
        if run == 0 {
            spawn_allocations = Some(allocations as f64 / n as f64);
            crate::alloc::start();
        }
        let start = Instant::now();
        ex.drive(stop_all(actors));
        let stopped = start.elapsed();
        if run == 0 {
            stop_allocations = Some(crate::alloc::allocations() as f64 / n as f64);
            crate::alloc::stop();
        }
        if run > 0 {
            spawns.push(spawned.as_nanos() as f64 / n as f64);
            stops.push(stopped.as_nanos() as f64 / n as f64);
            bytes.push(live as f64 / n as f64);
        }
    }
    Idle {
        spawn: Figure {
            allocations: spawn_allocations,
            ..figure(spawns)
        },
        stop: Figure {
            allocations: stop_allocations,
            ..figure(stops)
        },
        heap: figure(bytes),
    }
}

pub fn figure(mut samples: Vec<f64>) -> Figure {
    samples.sort_by(|a, b| a.total_cmp(b));
    Figure {
        median: samples[samples.len() / 2],
        min: samples[0],
        max: samples[samples.len() - 1],
        allocations: None,
        switches: None,
        parks: None,
    }
}

/// A figure from a single sample (the RSS rows, measured once in a fresh process).
pub fn one(x: f64) -> Figure {
    figure(vec![x])
}

/// Resident set size of this process, in bytes (Linux; 0 elsewhere).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Waits until `done()` holds, yielding to the scheduler in between: for the few places where a
/// library offers no way to await the event (actix actors stopping after their last address is
/// dropped). Gives up after a minute so that a broken workload fails instead of hanging.
pub async fn until(mut done: impl FnMut() -> bool) {
    let began = Instant::now();
    while !done() {
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "waited a minute for a workload to settle"
        );
        tokio::task::yield_now().await;
    }
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Installs a panic hook that stays silent while [`expect_panics`] is on (the restart workloads
/// panic thousands of times on purpose; printing each would measure the terminal) and otherwise
/// prints as usual. Must run before the first otp-core `Node`, whose hook chains to this one.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !QUIET.load(Ordering::Relaxed) {
            default(info);
        }
    }));
}

/// Switches the quiet panic hook on or off.
pub fn expect_panics(on: bool) {
    QUIET.store(on, Ordering::Relaxed);
}

pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Runs `fut` as a task on the runtime's worker threads and waits for it. A workload's client
/// code runs there, never on the thread blocked in `block_on`, so that each call crosses threads
/// only where the runtime's scheduling makes it (otp-core's clients are processes, which are
/// tasks too).
pub async fn on_worker<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> T {
    tokio::spawn(fut).await.expect("workload task")
}
