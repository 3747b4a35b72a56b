//! Runs each workload once to warm up and then five times, and keeps the median.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

pub const RUNS: usize = 5;

/// A workload: an async block that does some operations and says how many.
pub type Work = Pin<Box<dyn Future<Output = u64>>>;

/// Median, fastest and slowest of the runs.
#[derive(Clone, Copy, Debug)]
pub struct Figure {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// Nanoseconds per operation of `make()`: one warm-up run, then `RUNS` measured runs.
pub fn per_op(rt: &tokio::runtime::Runtime, mut make: impl FnMut() -> Work) -> Figure {
    let _ = rt.block_on(make());
    let samples = (0..RUNS)
        .map(|_| {
            let work = make();
            let start = Instant::now();
            let ops = rt.block_on(work);
            start.elapsed().as_nanos() as f64 / ops.max(1) as f64
        })
        .collect();
    figure(samples)
}

pub fn figure(mut samples: Vec<f64>) -> Figure {
    samples.sort_by(|a, b| a.total_cmp(b));
    Figure {
        median: samples[samples.len() / 2],
        min: samples[0],
        max: samples[samples.len() - 1],
    }
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

pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}
