//! # Your turn: a counter server
//!
//! A server that counts: it starts at zero, [`inc`] adds one (a cast), [`state`] reads the
//! count (a call). The calculator's core already knows how to add one, so the server reuses
//! [`crate::core::inc`].
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below (the callbacks).
//! Keep the types and signatures; the tests at the bottom of this file stay unchanged. Check
//! with `cargo test -p calculator exercises::counter`.

use std::convert::Infallible;

use otp_core::ServerRef;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError,
};

use crate::core::{self, Number};

/// The server's state: the count.
#[derive(Debug)]
pub struct Counter(Number);

/// The requests that need no answer.
#[derive(Debug)]
pub enum Cast {
    /// `:inc`
    Inc,
}

/// The requests that wait for an answer.
#[derive(Debug)]
pub enum Call {
    /// `:state`
    State,
}

// ANCHOR: server
impl GenServer for Counter {
    type Arg = ();
    type Call = Call;
    type Reply = Number;
    type Cast = Cast;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init((): ()) -> Init<Self> {
        teaching::solution! { Init::Ok(Counter(Number::Int(0))) }
    }

    async fn handle_cast(&mut self, Cast::Inc: Cast) -> CastResult<Self> {
        teaching::solution! {
            self.0 = core::inc(self.0);
            CastResult::NoReply
        }
    }

    async fn handle_call(&mut self, Call::State: Call, _from: &Caller<Number>) -> CallResult<Self> {
        teaching::solution! { CallResult::Reply(self.0) }
    }
}
// ANCHOR_END: server

/// `Counter.start_link/0`: a counter at zero, linked to the caller.
///
/// # Panics
/// Outside a process.
pub async fn start_link() -> Result<ServerRef<Counter>, StartError> {
    gen_server::start_link::<Counter>((), Options::new()).await
}

/// `Counter.inc/1`: a cast.
pub fn inc(counter: &ServerRef<Counter>) {
    gen_server::cast(counter, Cast::Inc);
}

/// `Counter.state/1`: the count.
pub async fn state(counter: &ServerRef<Counter>) -> Result<Number, CallError> {
    gen_server::call(counter, Call::State).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::in_node;

    #[tokio::test(start_paused = true)]
    async fn a_new_counter_is_zero() {
        let (got, _) = in_node(async {
            let counter = start_link().await.expect("init never fails");
            state(&counter).await
        })
        .await;
        assert_eq!(got, Ok(Number::Int(0)));
    }

    #[tokio::test(start_paused = true)]
    async fn inc_counts_up() {
        let (got, _) = in_node(async {
            let counter = start_link().await.expect("init never fails");
            inc(&counter);
            inc(&counter);
            let two = state(&counter).await;
            for _ in 0..98 {
                inc(&counter);
            }
            (two, state(&counter).await)
        })
        .await;
        assert_eq!(got, (Ok(Number::Int(2)), Ok(Number::Int(100))));
    }
}
