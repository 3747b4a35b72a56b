use std::time::Instant;
use otp_core::registry::{self, Registry};
use otp_core::{Mailbox, Node, process};
fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        Node::new().run(async {
            let r: Registry<u64, u64> = Registry::start_link(registry::Options::unique()).await.unwrap();
            for k in 0..100_000u64 { r.register(k, k).unwrap(); }
            for mode in ["lookup", "whereis", "values-count"] {
                for threads in [1u64, 2] {
                    let began = Instant::now();
                    let n = 1_000_000u64;
                    let ps: Vec<_> = (0..threads).map(|t| { let r = r.clone(); process::spawn(move |_i: Mailbox<()>| async move {
                        let mut f = 0u64;
                        for i in 0..n / threads { let k = (i * 7919 + t) % 100_000;
                            f += match mode { "lookup" => r.lookup(&k).unwrap().len() as u64, "whereis" => r.whereis(&k).is_some() as u64, _ => r.count().map(|_| 1).unwrap_or(0) * 0 + 1 }; }
                        assert!(f > 0);
                    }) }).collect();
                    for p in ps { p.pid().wait_exit().await; }
                    println!("{mode} x{threads}: {:.0} ns", began.elapsed().as_nanos() as f64 / n as f64);
                    if mode == "values-count" { break; }
                }
            }
        }).await.unwrap();
    });
}
