//! The hand-made boundary: a process that keeps the calculator's state, built from otp-core's
//! process primitives alone (`spawn`, a mailbox, `send`), without the GenServer.
//!
//! This is the machinery a GenServer hides: a loop that waits for a message, hands the state
//! and the message to the core, and goes round again with the state the core returned.
//!
//! | Elixir (`Calculator.Boundary`)           | Rust                                          |
//! |------------------------------------------|-----------------------------------------------|
//! | `start(initial)` (`spawn`)               | [`start`]                                     |
//! | `run(state)`, a tail call to itself      | [`run`], a `loop`                             |
//! | `listen(state)` (`receive do ... end`)   | `listen`, a `match` on the received message  |
//! | `{:add, n}`, `:clear`, `{:state, pid}`   | [`Message::Add`], [`Message::Clear`], [`Message::State`] |
//! | `{:state, value}` sent back              | [`Reply::State`]                              |
//!
//! The message type is closed: a message the loop has no clause for cannot be sent at all.
//!
//! ```compile_fail,E0308
//! # async fn f(pid: otp_core::Addr<calculator::boundary::Message>) {
//! // `send pid, :unknown_message` on the BEAM; here it does not compile.
//! otp_core::process::send(&pid, "unknown_message");
//! # }
//! ```

use otp_core::process::{self, Received};
use otp_core::{Addr, Mailbox};

use crate::core::{self, Number};

// ANCHOR: messages
/// What the calculator process understands: one variant per clause of the book's `receive`.
#[derive(Debug)]
pub enum Message {
    /// `{:add, n}`
    Add(Number),
    /// `{:subtract, n}`
    Subtract(Number),
    /// `{:multiply, n}`
    Multiply(Number),
    /// `{:divide, n}`
    Divide(Number),
    /// `:clear`: the state becomes `0`.
    Clear,
    /// `{:state, caller}`: send the state to `caller`; the state does not change.
    State(Addr<Reply>),
}

/// What the calculator sends back.
#[derive(Debug, PartialEq)]
pub enum Reply {
    /// `{:state, value}`
    State(Number),
}
// ANCHOR_END: messages

// ANCHOR: start
/// Starts a calculator process holding `initial` and returns its address. Not linked: like
/// Elixir's `spawn`, its crash does not reach the caller.
///
/// # Panics
/// Outside a process.
pub fn start(initial: impl Into<Number>) -> Addr<Message> {
    let initial = initial.into();
    process::spawn(move |inbox: Mailbox<Message>| run(inbox, initial))
}

/// The process's life: listen, then go round again with the new state.
///
/// Elixir writes `run(listen(state))`, a call to itself that the BEAM turns into a jump.
/// Rust does not promise that for any call, least of all an `async` one, so the same loop is
/// written as a `loop`.
pub async fn run(mut inbox: Mailbox<Message>, mut state: Number) {
    loop {
        state = listen(&mut inbox, state).await;
    }
}
// ANCHOR_END: start

// ANCHOR: listen
/// Waits for one message and returns the state that follows it.
async fn listen(inbox: &mut Mailbox<Message>, state: Number) -> Number {
    match inbox.receive().await {
        Received::Msg(Message::Add(n)) => core::add(state, n),
        Received::Msg(Message::Subtract(n)) => core::subtract(state, n),
        Received::Msg(Message::Multiply(n)) => core::multiply(state, n),
        Received::Msg(Message::Divide(n)) => core::divide(state, n),
        Received::Msg(Message::Clear) => Number::Int(0),
        Received::Msg(Message::State(caller)) => {
            caller.send(Reply::State(state));
            state
        }
        // Exit signals arrive as messages only in a process that traps exits, and downs only
        // in one that monitors (processes or nodes); this one does neither.
        Received::Exit { .. } | Received::Down(_) | Received::NodeDown(_) => state,
    }
}
// ANCHOR_END: listen

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::Node;

    async fn state_of(calc: &Addr<Message>, inbox: &mut Mailbox<Reply>) -> Number {
        process::send(calc, Message::State(inbox.addr()));
        match inbox.receive().await {
            Received::Msg(Reply::State(n)) => n,
            other => panic!("expected a state reply, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_keeps_the_state_between_messages() {
        let node = Node::new();
        let (tx, rx) = tokio::sync::oneshot::channel();
        node.spawn(|mut inbox: Mailbox<Reply>| async move {
            let calc = start(0);
            let mut seen = vec![state_of(&calc, &mut inbox).await];
            for msg in [
                Message::Add(10.into()),
                Message::Add(20.into()),
                Message::Subtract(40.into()),
            ] {
                process::send(&calc, msg);
            }
            seen.push(state_of(&calc, &mut inbox).await);
            process::send(&calc, Message::Multiply(3.into()));
            process::send(&calc, Message::Divide(4.into()));
            seen.push(state_of(&calc, &mut inbox).await);
            process::send(&calc, Message::Clear);
            seen.push(state_of(&calc, &mut inbox).await);
            let _ = tx.send((seen, process::message_queue_len(calc.pid())));
        });
        let (seen, queued) = rx.await.expect("the test process finishes");
        assert_eq!(
            seen,
            [
                Number::Int(0),
                Number::Int(-10),
                Number::Float(-7.5),
                Number::Int(0)
            ]
        );
        assert_eq!(queued, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_bad_division_kills_the_process_with_the_cores_message() {
        let node = Node::new();
        let reason = node
            .run(async {
                let calc = start(16);
                process::send(&calc, Message::Divide(0.into()));
                calc.pid().wait_exit().await
            })
            .await
            .expect("the test process finishes");
        assert_eq!(
            reason,
            otp_core::ExitReason::panic("attempt to divide by zero")
        );
    }
}
