//! The same server on otp-core.

use std::convert::Infallible;

use otp_core::gen_server::{CallResult, Caller, CastResult, GenServer, Init};

#[derive(Debug)]
pub struct Adder(pub u64);

impl GenServer for Adder {
    type Arg = ();
    type Call = u64;
    type Reply = u64;
    type Cast = u64;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(Adder(0))
    }

    async fn handle_call(&mut self, n: u64, _from: &Caller<u64>) -> CallResult<Self> {
        self.0 += n;
        CallResult::Reply(self.0)
    }

    async fn handle_cast(&mut self, n: u64) -> CastResult<Self> {
        self.0 += n;
        CastResult::NoReply
    }
}
