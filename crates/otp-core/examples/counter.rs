//! A GenServer counter: `cargo run -p otp-core --example counter`.

use std::convert::Infallible;

use otp_core::gen_server::{self, CallResult, Caller, CastResult, GenServer, Init, Options};
use otp_core::{Node, io};

/// The state is the count.
#[derive(Debug)]
struct Counter(i64);

#[derive(Debug)]
enum Call {
    Value,
}

#[derive(Debug)]
enum Cast {
    Inc,
}

impl GenServer for Counter {
    type Arg = i64;
    type Call = Call;
    type Reply = i64;
    type Cast = Cast;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(start: i64) -> Init<Self> {
        Init::Ok(Counter(start))
    }

    async fn handle_call(&mut self, _msg: Call, _from: &Caller<i64>) -> CallResult<Self> {
        CallResult::Reply(self.0)
    }

    async fn handle_cast(&mut self, Cast::Inc: Cast) -> CastResult<Self> {
        self.0 += 1;
        CastResult::NoReply
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    // Crash reports in Elixir's Logger format, filtered by RUST_LOG.
    otp_core::logger::init();
    let count = Node::new()
        .run(async {
            let counter = gen_server::start_link::<Counter>(0, Options::new()).await?;
            io::puts(format!("started {counter:?}"));
            gen_server::cast(&counter, Cast::Inc);
            gen_server::cast(&counter, Cast::Inc);
            anyhow::Ok(gen_server::call(&counter, Call::Value).await?)
        })
        .await
        .map_err(|reason| anyhow::anyhow!("the program's process exited: {reason}"))??;
    println!("count: {count}");
    Ok(())
}
