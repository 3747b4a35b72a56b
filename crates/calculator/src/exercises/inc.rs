//! # Your turn: `inc` as a plain message
//!
//! Make the calculator server take `inc` as a plain message, handled by `handle_info`, rather
//! than as a cast: anyone may then `send` it `Inc`, with no API function in between, and the
//! API function is a thin wrapper over that send.
//!
//! **What you change:** the two bodies wrapped in `teaching::solution!` below: the `Inc` arm
//! of `handle_info`, and [`inc`]. The server here is the chapter's calculator cut down to what
//! the exercise needs (a state call and the new message). The tests at the bottom of this file
//! stay unchanged. Check with `cargo test -p calculator exercises::inc`.
//!
//! | Elixir                                  | Rust                                     |
//! |-----------------------------------------|------------------------------------------|
//! | `send(server, :inc)`                    | `gen_server::send(&server, Inc)`         |
//! | `handle_info(:inc, state)`              | `handle_info(Info::Msg(Inc))`            |

use std::convert::Infallible;

use otp_core::ServerRef;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, StartError,
};

use crate::core::{self, Number};

/// The server's state: the number so far.
#[derive(Debug)]
pub struct Server(Number);

/// The plain message `:inc`.
#[derive(Clone, Debug)]
pub struct Inc;

/// The server's only call: `:state`.
#[derive(Debug)]
pub enum Call {
    /// Answered with the number.
    State,
}

// ANCHOR: handle_info
impl GenServer for Server {
    type Arg = i64;
    type Call = Call;
    type Reply = Number;
    type Cast = Infallible;
    type Info = Inc;
    type Continue = Infallible;

    async fn init(initial: i64) -> Init<Self> {
        Init::Ok(Server(Number::Int(initial)))
    }

    async fn handle_call(&mut self, Call::State: Call, _from: &Caller<Number>) -> CallResult<Self> {
        CallResult::Reply(self.0)
    }

    async fn handle_info(&mut self, msg: Info<Inc>) -> CastResult<Self> {
        match msg {
            Info::Msg(Inc) => teaching::solution! { self.0 = core::inc(self.0) },
            // This server neither traps exits, nor monitors, nor sets idle timeouts.
            Info::Exit { .. } | Info::Down(_) | Info::NodeDown(_) | Info::Timeout => {}
        }
        CastResult::NoReply
    }
}

/// `Calculator.Server.inc/1`: sends the plain message `Inc`.
pub fn inc(server: &ServerRef<Server>) {
    teaching::solution! { gen_server::send(server, Inc) }
}
// ANCHOR_END: handle_info

/// Starts the server holding `initial`, linked to the caller.
///
/// # Panics
/// Outside a process.
pub async fn start_link(initial: i64) -> Result<ServerRef<Server>, StartError> {
    gen_server::start_link::<Server>(initial, Options::new()).await
}

/// The server's number.
pub async fn state(server: &ServerRef<Server>) -> Result<Number, CallError> {
    gen_server::call(server, Call::State).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::in_node;

    #[tokio::test(start_paused = true)]
    async fn inc_through_the_api_adds_one() {
        let (got, _) = in_node(async {
            let server = start_link(-7).await.expect("init never fails");
            inc(&server);
            inc(&server);
            state(&server).await
        })
        .await;
        assert_eq!(got, Ok(Number::Int(-5)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_plain_inc_message_reaches_handle_info() {
        let (got, _) = in_node(async {
            let server = start_link(-5).await.expect("init never fails");
            gen_server::send(&server, Inc);
            state(&server).await
        })
        .await;
        assert_eq!(got, Ok(Number::Int(-4)));
    }
}
