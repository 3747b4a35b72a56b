//! # Your turn: negate
//!
//! Add `negate` to the calculator: a core function that flips the sign of a number (multiply
//! it by -1), and an API function that asks a running [`crate::server::Server`] to flip its
//! state.
//!
//! **What you change:** the two bodies wrapped in `teaching::solution!` below, [`negate`] and
//! [`negate_server`]. Keep their signatures; the tests at the bottom of this file stay
//! unchanged. Check with `cargo test -p calculator exercises::negate`.
//!
//! Elixir would add a `handle_cast(:negate, state)` clause to the server. A Rust `impl` cannot
//! be reopened from another file, and the server already multiplies, so this solution sends
//! the cast it already understands: `Multiply(-1)`.

use otp_core::ServerRef;

use crate::core::{self, Number};
use crate::server::{self, Server};

// ANCHOR: solution
/// `Calculator.Core.negate/1`: `-acc`.
pub fn negate(acc: impl Into<Number>) -> Number {
    teaching::solution! { core::multiply(acc, -1) }
}

/// `Calculator.Server.negate/1`: a cast; the server's state changes sign.
pub fn negate_server(server: &ServerRef<Server>) {
    teaching::solution! { server::multiply(server, -1) }
}
// ANCHOR_END: solution

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
    async fn the_server_negates_its_state() {
        let (got, _) = in_node(async {
            let server = server::start_link(7).await.expect("init never fails");
            negate_server(&server);
            let once = server::state(&server).await;
            negate_server(&server);
            (once, server::state(&server).await)
        })
        .await;
        assert_eq!(got, (Ok(Number::Int(-7)), Ok(Number::Int(7))));
    }
}
