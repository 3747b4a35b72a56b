//! Backpressure: a client faster than its server. With casts the server's mailbox grows and
//! every later question waits behind it; with calls the client waits for each answer and the
//! mailbox stays empty (the chapter's advice, and the first exercise's solution at work).

use otp_core::gen_server::ServerRef;
use otp_core::{Mailbox, io, process};
use teaching::scene;
use teaching::{Scene, Shell};
use tokio::time::Instant;

use crate::calculator::{self, CastCalculator, Op, Start};
use crate::exercises::calls_not_casts::{self, CallCalculator};
use teaching::show;

/// The scene, for the tour and the example.
pub const SCENE: Scene = scene!(
    "backpressure",
    "Backpressure: the mailbox under casts and under calls",
    backpressure
);

/// How many operations each client sends.
const OPS: u32 = 500;

// ANCHOR: clients
/// A client that casts an operation every 2 ms, five times faster than the server works.
async fn cast_client(calc: ServerRef<CastCalculator>) {
    let began = Instant::now();
    for _ in 0..OPS {
        calculator::cast_op(&calc, Op::Add(1));
        process::sleep(2).await;
    }
    io::puts(format!(
        "cast client: {OPS} casts sent in {} ms",
        began.elapsed().as_millis()
    ));
}

/// A client that calls as fast as the answers come.
async fn call_client(calc: ServerRef<CallCalculator>) {
    let began = Instant::now();
    for _ in 0..OPS {
        let _ = calls_not_casts::apply_op(&calc, Op::Add(1)).await;
    }
    io::puts(format!(
        "call client: {OPS} calls answered in {} ms",
        began.elapsed().as_millis()
    ));
}

// ANCHOR_END: clients

/// Prints the server's mailbox length every 200 ms, five times.
async fn watch(sh: &Shell, server: &otp_core::Pid, began: Instant) {
    for _ in 0..5 {
        process::sleep(200).await;
        sh.say(format!(
            "after {:>4} ms: message_queue_len = {}",
            began.elapsed().as_millis(),
            process::message_queue_len(server)
        ));
    }
}

// ANCHOR: scene
/// The same client against a cast calculator, then against a call calculator; each operation
/// takes the server 10 ms.
pub async fn backpressure(sh: Shell) {
    sh.section("Casts: the client never waits, so the mailbox grows");
    sh.run(|sh| async move {
        let began = Instant::now();
        let start = Start {
            value: 0,
            work_ms: 10,
        };
        let Ok(calc) = show!(sh, calculator::start_cast_calculator(start).await) else {
            return;
        };
        let c = calc.clone();
        show!(
            sh,
            process::spawn_link(move |_: Mailbox<()>| cast_client(c))
        );
        process::sleep(5).await;
        watch(&sh, &calc.pid(), began).await;
        let asked = Instant::now();
        let _ = show!(sh, calculator::value(&calc).await);
        sh.say(format!(
            "(that call waited {} ms)",
            asked.elapsed().as_millis()
        ));
    })
    .await;

    sh.section("Calls: the client waits for each answer, so the mailbox stays empty");
    sh.run(|sh| async move {
        let began = Instant::now();
        let start = Start {
            value: 0,
            work_ms: 10,
        };
        let Ok(calc) = show!(sh, calls_not_casts::start_link(start).await) else {
            return;
        };
        let c = calc.clone();
        show!(
            sh,
            process::spawn_link(move |_: Mailbox<()>| call_client(c))
        );
        process::sleep(5).await;
        watch(&sh, &calc.pid(), began).await;
        show!(sh, process::sleep(4000).await);
        let asked = Instant::now();
        let _ = show!(sh, calls_not_casts::value(&calc).await);
        sh.say(format!(
            "(that call waited {} ms)",
            asked.elapsed().as_millis()
        ));
    })
    .await;
}
// ANCHOR_END: scene
