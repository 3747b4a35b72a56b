//! One variant of the call round trip, N calls, for instruction counting under callgrind.
use otp_core::gen_server::{self, Options};
use otp_core::{ExitReason, Node};
#[path = "../src/baseline.rs"]
mod baseline;
#[path = "../src/otp.rs"]
mod otp;
fn main() {
    let variant = std::env::args().nth(1).unwrap();
    let n: u64 = std::env::args().nth(2).unwrap().parse().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        match variant.as_str() {
            "base" => {
                let s = baseline::server();
                tokio::spawn(async move {
                    for i in 0..n {
                        baseline::call(&s, i).await;
                    }
                })
                .await
                .unwrap();
            }
            v => {
                let inf = v == "inf";
                Node::new()
                    .run(async move {
                        let s = gen_server::start_link::<otp::Adder>((), Options::new())
                            .await
                            .unwrap();
                        for i in 0..n {
                            if inf {
                                gen_server::call_timeout(&s, i, otp_core::Timeout::Infinity)
                                    .await
                                    .unwrap();
                            } else {
                                gen_server::call(&s, i).await.unwrap();
                            }
                        }
                        gen_server::stop(&s, ExitReason::Normal, 5000)
                            .await
                            .unwrap();
                    })
                    .await
                    .unwrap();
            }
        }
    });
}
