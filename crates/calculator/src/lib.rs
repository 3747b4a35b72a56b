//! # Chapter 1: a basic hand-made server
//!
//! A calculator in the three layers every chapter uses:
//!
//! - [`core`]: pure functions on numbers (`add`, `subtract`, `multiply`, `divide`, `inc`,
//!   `dec`, `fold`);
//! - [`boundary`]: a process that keeps a number and applies the core to it, written by hand
//!   from otp-core's process primitives; and [`server`], the same service as a GenServer;
//! - the API, at the root of this crate for the hand-made boundary ([`start`], [`add`], ...,
//!   [`state`]) and beside the callbacks in [`server`]: small functions that hide the messages.
//!
//! [`scenes`] replays the chapter's IEx sessions; [`exercises`] solves its "Your Turn"
//! exercises. The companion text is `chapters/01-calculator.md`.
//!
//! [`shell`] is the chapter's interactive shell on a live node, in real time: `cargo run -p
//! calculator` (see `teaching::iex`).
//!
//! | Elixir (`Calculator`)        | Rust                                              |
//! |------------------------------|---------------------------------------------------|
//! | `Calculator.start(10)`       | [`start`]`(10)`                                    |
//! | `Calculator.add(calc, 1)`    | [`add`]`(&calc, 1)`                                |
//! | `Calculator.state(calc)`     | [`state`]`(&calc, &mut inbox).await`               |
//! | `{:error, :timeout}`         | `Err(StateError::Timeout)`                         |

pub mod boundary;
pub mod core;
pub mod exercises;
pub mod scenes;
pub mod server;
pub mod shell;

use std::time::Duration;

use otp_core::process::{Peek, Received};
use otp_core::{Addr, Mailbox};

use crate::boundary::{Message, Reply};
pub use crate::core::Number;

// ANCHOR: api
// ANCHOR: timeout
/// How long [`state`] waits for the calculator to answer: 5000 ms, as the book's `after 5000`.
pub const STATE_TIMEOUT_MS: u64 = 5000;

/// Why [`state`] got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// `{:error, :timeout}`: no reply within [`STATE_TIMEOUT_MS`]. A calculator that has died
    /// never answers, and nothing tells the caller so: it can only stop waiting.
    #[error("the calculator did not answer within {STATE_TIMEOUT_MS} ms")]
    Timeout,
}

// ANCHOR_END: timeout

/// `Calculator.start/1`: starts a calculator process holding `initial`.
///
/// # Panics
/// Outside a process.
pub fn start(initial: impl Into<Number>) -> Addr<Message> {
    boundary::start(initial)
}

// ANCHOR: add
/// `Calculator.add/2`: asks the calculator to add `n`, and returns at once.
pub fn add(calc: &Addr<Message>, n: impl Into<Number>) {
    calc.send(Message::Add(n.into()));
}
// ANCHOR_END: add

/// `Calculator.subtract/2`.
pub fn subtract(calc: &Addr<Message>, n: impl Into<Number>) {
    calc.send(Message::Subtract(n.into()));
}

/// `Calculator.multiply/2`.
pub fn multiply(calc: &Addr<Message>, n: impl Into<Number>) {
    calc.send(Message::Multiply(n.into()));
}

/// `Calculator.divide/2`. Dividing by zero crashes the calculator, as it does on the BEAM.
pub fn divide(calc: &Addr<Message>, n: impl Into<Number>) {
    calc.send(Message::Divide(n.into()));
}

/// `Calculator.clear/1`: the state becomes `0`.
pub fn clear(calc: &Addr<Message>) {
    calc.send(Message::Clear);
}

// ANCHOR: state
/// `Calculator.state/1`: asks for the state and waits at most [`STATE_TIMEOUT_MS`] for the
/// answer, which arrives in the caller's own mailbox.
///
/// Elixir's `receive` reads the mailbox of `self()` without naming it; in Rust a process's
/// mailbox is a value its body owns, so the caller lends it. Only a [`Reply`] is taken from
/// it: anything else waiting there stays, as Elixir's `receive` leaves what it does not match.
pub async fn state(calc: &Addr<Message>, inbox: &mut Mailbox<Reply>) -> Result<Number, StateError> {
    calc.send(Message::State(inbox.addr()));
    let wait = Duration::from_millis(STATE_TIMEOUT_MS);
    let reply = inbox.receive_match(|m| matches!(m, Peek::Msg(Reply::State(_))));
    match tokio::time::timeout(wait, reply).await {
        Ok(Received::Msg(Reply::State(n))) => Ok(n),
        // `receive_match` only returns what the predicate accepted.
        Ok(_) => unreachable!("only state replies are received"),
        Err(_) => Err(StateError::Timeout),
    }
}
// ANCHOR_END: state
// ANCHOR_END: api

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::Node;
    use tokio::time::Instant;

    /// Runs `f` in a process with a mailbox for replies; returns what it returns.
    async fn in_process<T: Send + 'static, Fut>(f: impl FnOnce(Mailbox<Reply>) -> Fut) -> T
    where
        Fut: std::future::Future<Output = T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let node = Node::new();
        let body = f;
        node.spawn(move |inbox: Mailbox<Reply>| {
            let fut = body(inbox);
            async move {
                let _ = tx.send(fut.await);
            }
        });
        rx.await.expect("the test process finishes")
    }

    #[tokio::test(start_paused = true)]
    async fn the_api_hides_the_messages() {
        let got = in_process(|mut inbox| async move {
            let calc = start(10);
            add(&calc, 1);
            add(&calc, 5);
            let first = state(&calc, &mut inbox).await;
            multiply(&calc, 2);
            subtract(&calc, 2);
            divide(&calc, 4);
            let second = state(&calc, &mut inbox).await;
            clear(&calc);
            (first, second, state(&calc, &mut inbox).await)
        })
        .await;
        assert_eq!(
            got,
            (
                Ok(Number::Int(16)),
                Ok(Number::Float(7.5)),
                Ok(Number::Int(0))
            )
        );
    }

    #[tokio::test(start_paused = true)]
    async fn state_of_a_dead_calculator_times_out_after_5000_ms() {
        let (result, waited) = in_process(|mut inbox| async move {
            let calc = start(16);
            divide(&calc, 0);
            calc.pid().wait_exit().await;
            let started = Instant::now();
            let result = state(&calc, &mut inbox).await;
            (result, started.elapsed())
        })
        .await;
        assert_eq!(result, Err(StateError::Timeout));
        assert_eq!(waited, Duration::from_millis(STATE_TIMEOUT_MS));
    }

    #[tokio::test(start_paused = true)]
    async fn state_takes_the_first_state_reply_waiting() {
        let got = in_process(|mut inbox| async move {
            // A stray reply is already waiting: `state` takes the first state reply, whoever
            // sent it, exactly as the book's `receive` does, and the calculator's own answer
            // is left for the next call.
            inbox.addr().send(Reply::State(Number::Int(99)));
            let calc = start(1);
            let first = state(&calc, &mut inbox).await;
            add(&calc, 1);
            let second = state(&calc, &mut inbox).await;
            (first, second)
        })
        .await;
        assert_eq!(got, (Ok(Number::Int(99)), Ok(Number::Int(1))));
    }
}
