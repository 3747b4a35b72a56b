use std::time::Instant;
fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let n = 10_000_000u32;
        let t = Instant::now();
        let mut x = 0u64;
        for _ in 0..n {
            x = x.wrapping_add(tokio::time::Instant::now().elapsed().as_nanos() as u64);
        }
        println!(
            "tokio now+elapsed: {:.1} ns ({x})",
            t.elapsed().as_nanos() as f64 / n as f64
        );
        let t = Instant::now();
        for _ in 0..n {
            x = x.wrapping_add(
                std::hint::black_box(tokio::time::Instant::now())
                    .into_std()
                    .elapsed()
                    .as_nanos() as u64
                    & 1,
            );
        }
        println!(
            "tokio now: {:.1} ns",
            t.elapsed().as_nanos() as f64 / n as f64 / 2.0
        );
        let m = std::sync::Mutex::new(0u64);
        let t = Instant::now();
        for _ in 0..n {
            *m.lock().unwrap() += 1;
        }
        println!("mutex: {:.1} ns", t.elapsed().as_nanos() as f64 / n as f64);
    });
}
