//! The bare tokio baseline: a task, an unbounded mpsc channel, a oneshot per request.

use tokio::sync::{mpsc, oneshot};

pub enum Msg {
    Call(u64, oneshot::Sender<u64>),
    Cast(u64),
}

/// A "server" task: adds casts to a total, answers calls with the total.
pub fn server() -> mpsc::UnboundedSender<Msg> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut total = 0u64;
        while let Some(msg) = rx.recv().await {
            match msg {
                Msg::Call(n, reply) => {
                    total += n;
                    let _ = reply.send(total);
                }
                Msg::Cast(n) => total += n,
            }
        }
    });
    tx
}

pub async fn call(server: &mpsc::UnboundedSender<Msg>, n: u64) -> u64 {
    let (tx, rx) = oneshot::channel();
    server.send(Msg::Call(n, tx)).expect("server alive");
    rx.await.expect("reply")
}
