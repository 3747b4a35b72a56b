//! # Your turn: negate
//!
//! Add `negate` to the calculator: a core function that flips the sign of a number, and a new
//! command of the server, `Negate`, that flips its state.
//!
//! The server here is [`CallServer`], the calculator whose every request is a call answered
//! with the new state, as the BEAM transcript's `CallServer` is: `add(c, 10)` answers `10`.
//! It already knows `Add`, `Subtract`, `Multiply` and `State`; `Negate` is the new command.
//! Multiplying by -1 gives the same number, but the task is a command of its own: the tests
//! send `Call::Negate` themselves.
//!
//! **What you change:** the three bodies wrapped in `teaching::solution!` below: [`negate`],
//! the `Negate` clause of `handle_call`, and [`negate_server`]. Keep their signatures; the tests
//! at the bottom of this file stay unchanged. Check with `make exercise NAME=calculator/negate`.
//!
//! Elixir would add a `handle_call(:negate, _from, state)` clause to the book's server. A Rust
//! `impl` cannot be reopened from another file, so the exercise carries its own server.
//!
//! | Elixir (`Calculator.CallServer`)      | Rust                                     |
//! |---------------------------------------|------------------------------------------|
//! | `Core.negate(acc)`                    | [`negate`]`(acc)`                        |
//! | `handle_call(:negate, _from, state)`  | `handle_call(Call::Negate, _from)`       |
//! | `CallServer.negate(c)`                | [`negate_server`]`(&c).await`            |

use std::convert::Infallible;

use otp_core::ServerRef;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, GenServer, Init, Options, StartError,
};

use crate::core::{self, Number};

/// The server's state: the number so far.
#[derive(Debug)]
pub struct CallServer(Number);

/// Every request; each is answered with the new state.
#[derive(Debug)]
pub enum Call {
    /// `{:add, n}`
    Add(Number),
    /// `{:subtract, n}`
    Subtract(Number),
    /// `{:multiply, n}`
    Multiply(Number),
    /// `:negate`: the state changes sign.
    Negate,
    /// `:state`: the state, unchanged.
    State,
}

// ANCHOR: solution
/// `Calculator.Core.negate/1`: `-acc`, keeping its kind (`Int` or `Float`).
pub fn negate(acc: impl Into<Number>) -> Number {
    teaching::solution! { core::multiply(acc, -1) }
}

impl GenServer for CallServer {
    type Arg = i64;
    type Call = Call;
    type Reply = Number;
    type Cast = Infallible;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(initial: i64) -> Init<Self> {
        Init::Ok(CallServer(Number::Int(initial)))
    }

    async fn handle_call(&mut self, msg: Call, _from: &Caller<Number>) -> CallResult<Self> {
        self.0 = match msg {
            Call::Add(n) => core::add(self.0, n),
            Call::Subtract(n) => core::subtract(self.0, n),
            Call::Multiply(n) => core::multiply(self.0, n),
            Call::Negate => teaching::solution! { negate(self.0) },
            Call::State => self.0,
        };
        CallResult::Reply(self.0)
    }
}

/// `CallServer.negate/1`: the state changes sign; answers the new state.
pub async fn negate_server(server: &ServerRef<CallServer>) -> Result<Number, CallError> {
    teaching::solution! { gen_server::call(server, Call::Negate).await }
}
// ANCHOR_END: solution

/// `CallServer.start_link/1`: starts the server, linked to the caller.
pub async fn start_link(initial: i64) -> Result<ServerRef<CallServer>, StartError> {
    gen_server::start_link::<CallServer>(initial, Options::new()).await
}

/// `CallServer.add/2`: answers the new state.
pub async fn add(
    server: &ServerRef<CallServer>,
    n: impl Into<Number>,
) -> Result<Number, CallError> {
    gen_server::call(server, Call::Add(n.into())).await
}

/// `CallServer.subtract/2`: answers the new state.
pub async fn subtract(
    server: &ServerRef<CallServer>,
    n: impl Into<Number>,
) -> Result<Number, CallError> {
    gen_server::call(server, Call::Subtract(n.into())).await
}

/// `CallServer.multiply/2`: answers the new state.
pub async fn multiply(
    server: &ServerRef<CallServer>,
    n: impl Into<Number>,
) -> Result<Number, CallError> {
    gen_server::call(server, Call::Multiply(n.into())).await
}

/// `CallServer.state/1`.
pub async fn state(server: &ServerRef<CallServer>) -> Result<Number, CallError> {
    gen_server::call(server, Call::State).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::in_node;

    #[test]
    fn negate_flips_the_sign_and_keeps_the_kind() {
        assert_eq!(negate(7), Number::Int(-7));
        assert_eq!(negate(-8), Number::Int(8));
        assert_eq!(negate(2.5), Number::Float(-2.5));
        assert_eq!(negate(negate(42)), Number::Int(42));
    }

    #[tokio::test(start_paused = true)]
    async fn every_request_answers_the_new_state() {
        let (got, _) = in_node(async {
            let c = start_link(0).await.expect("init never fails");
            (
                add(&c, 10).await,
                subtract(&c, 2).await,
                negate_server(&c).await,
                state(&c).await,
            )
        })
        .await;
        let n = |i| Ok(Number::Int(i));
        assert_eq!(got, (n(10), n(8), n(-8), n(-8)));
    }

    #[tokio::test(start_paused = true)]
    async fn negate_is_a_command_of_the_server() {
        // The command itself, sent without the API function: an API that sends
        // `Multiply(-1)` instead does not make it work.
        let (got, _) = in_node(async {
            let c = start_link(5).await.expect("init never fails");
            let once = gen_server::call(&c, Call::Negate).await;
            let _ = multiply(&c, 2).await;
            (once, gen_server::call(&c, Call::Negate).await)
        })
        .await;
        assert_eq!(got, (Ok(Number::Int(-5)), Ok(Number::Int(10))));
    }
}
