//! The same calculator as a GenServer: otp-core runs the loop, this module supplies the
//! callbacks, and the API functions sit beside them, as the book's `Calculator.Server` has
//! them.
//!
//! | Elixir (`Calculator.Server`)                    | Rust                                    |
//! |-------------------------------------------------|-----------------------------------------|
//! | `start_link(n) when is_integer(n)`              | [`start_link`]`(n: i64)`                |
//! | `init(n)` -> `{:ok, n}`                         | `init(n)` -> `Init::Ok(Server(n))`      |
//! | `handle_cast({:add, n}, state)`                 | `handle_cast(Cast::Add(n))`             |
//! | `handle_call(:state, _from, state)`             | `handle_call(Call::State, _from)`       |
//! | `add(server, n)` (`GenServer.cast`)             | [`add`]`(&server, n)`                   |
//! | `state(server)` (`GenServer.call`)              | [`state`]`(&server).await`              |

use std::convert::Infallible;

use otp_core::ServerRef;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError,
};

use crate::core::{self, Number};

// ANCHOR: server
/// The server's state: the number so far.
#[derive(Debug)]
pub struct Server(Number);

/// The requests that need no answer: `{:add, n}` ... `:clear`.
#[derive(Debug)]
pub enum Cast {
    /// `{:add, n}`
    Add(Number),
    /// `{:subtract, n}`
    Subtract(Number),
    /// `{:multiply, n}`
    Multiply(Number),
    /// `{:divide, n}`
    Divide(Number),
    /// `:clear`
    Clear,
}

/// The requests that wait for an answer: `:state`.
#[derive(Debug)]
pub enum Call {
    /// `:state`: answered with the number.
    State,
}

impl GenServer for Server {
    type Arg = i64;
    type Call = Call;
    type Reply = Number;
    type Cast = Cast;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(initial: i64) -> Init<Self> {
        Init::Ok(Server(Number::Int(initial)))
    }

    async fn handle_cast(&mut self, msg: Cast) -> CastResult<Self> {
        self.0 = match msg {
            Cast::Add(n) => core::add(self.0, n),
            Cast::Subtract(n) => core::subtract(self.0, n),
            Cast::Multiply(n) => core::multiply(self.0, n),
            Cast::Divide(n) => core::divide(self.0, n),
            Cast::Clear => Number::Int(0),
        };
        CastResult::NoReply
    }

    async fn handle_call(&mut self, msg: Call, _from: &Caller<Number>) -> CallResult<Self> {
        match msg {
            Call::State => CallResult::Reply(self.0),
        }
    }

    /// The state as the crash report prints it: the bare number, as Elixir's `State: 8`.
    fn format_status(&self) -> String {
        self.0.to_string()
    }
}
// ANCHOR_END: server

// ANCHOR: api
/// `Calculator.Server.start_link/1`: starts a calculator server linked to the caller.
/// Integers only, as the book's `when is_integer(initial)` guard: the type says so.
///
/// # Panics
/// Outside a process.
pub async fn start_link(initial: i64) -> Result<ServerRef<Server>, StartError> {
    gen_server::start_link::<Server>(initial, Options::new()).await
}

/// `Calculator.Server.add/2`: a cast; returns at once.
pub fn add(server: &ServerRef<Server>, n: impl Into<Number>) {
    gen_server::cast(server, Cast::Add(n.into()));
}

/// `Calculator.Server.subtract/2`.
pub fn subtract(server: &ServerRef<Server>, n: impl Into<Number>) {
    gen_server::cast(server, Cast::Subtract(n.into()));
}

/// `Calculator.Server.multiply/2`.
pub fn multiply(server: &ServerRef<Server>, n: impl Into<Number>) {
    gen_server::cast(server, Cast::Multiply(n.into()));
}

/// `Calculator.Server.divide/2`. Dividing by zero crashes the server.
pub fn divide(server: &ServerRef<Server>, n: impl Into<Number>) {
    gen_server::cast(server, Cast::Divide(n.into()));
}

/// `Calculator.Server.clear/1`.
pub fn clear(server: &ServerRef<Server>) {
    gen_server::cast(server, Cast::Clear);
}

/// `Calculator.Server.state/1`: a call; waits at most 5000 ms.
pub async fn state(server: &ServerRef<Server>) -> Result<Number, CallError> {
    gen_server::call(server, Call::State).await
}
// ANCHOR_END: api

#[cfg(test)]
mod tests {
    use super::*;
    use otp_core::{ExitReason, Node};

    #[tokio::test(start_paused = true)]
    async fn casts_change_the_state_and_calls_read_it() {
        let node = Node::new();
        let got = node
            .run(async {
                let server = start_link(0).await.expect("init never fails");
                add(&server, 10);
                let first = state(&server).await;
                subtract(&server, 2);
                multiply(&server, 3);
                divide(&server, 4);
                let second = state(&server).await;
                clear(&server);
                (first, second, state(&server).await)
            })
            .await
            .expect("the test process finishes");
        assert_eq!(
            got,
            (
                Ok(Number::Int(10)),
                Ok(Number::Float(6.0)),
                Ok(Number::Int(0))
            )
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_bad_division_kills_the_server_and_the_linked_caller() {
        let node = Node::new();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let outcome = node
            .run(async move {
                let server = start_link(8).await.expect("init never fails");
                let _ = tx.send(server.clone());
                divide(&server, 0);
                std::future::pending::<()>().await
            })
            .await;
        let died = ExitReason::panic("attempt to divide by zero");
        assert_eq!(outcome, Err(died.clone()));
        let server = rx.await.expect("the server was started");
        assert_eq!(server.pid().wait_exit().await, died);
        assert_eq!(state(&server).await, Err(CallError::NoProc));
    }
}
