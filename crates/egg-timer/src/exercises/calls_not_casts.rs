//! # Your Turn: the calculator with calls instead of casts
//!
//! The cast-based calculator ([`crate::calculator::CastCalculator`]) returns to its client at
//! once: a client faster than the server fills the server's mailbox, every later question waits
//! behind that backlog, and an operation that fails (a division by zero) has nobody to tell, so
//! the server can only stop.
//!
//! **Task.** Write [`CallCalculator`], the same calculator whose operations are *calls*: each
//! one replies with the new value, or with the error, which leaves the value as it was and the
//! server running. A client now waits for each answer, so it can never get ahead of the server:
//! the mailbox stays at zero or one message per client (the `backpressure` scene shows both).
//!
//! **What you change.** The bodies of `CallCalculator`'s `init` and `handle_call`, and of the
//! API functions [`start_link`], [`apply_op`] and [`value`]; use [`crate::calculator::apply`]
//! for the arithmetic. The tests below stay unchanged.

use std::convert::Infallible;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, GenServer, Init, Options, ServerRef, StartError,
};
use otp_core::process;

use crate::calculator::{self, CalcError, Op, Start};

/// A calculator answered by calls.
#[derive(Debug)]
pub struct CallCalculator {
    value: i64,
    work_ms: u64,
}

/// What a call asks.
#[derive(Debug)]
pub enum Request {
    /// Apply an operation; the reply is the new value or the error.
    Apply(Op),
    /// The current value.
    Value,
}

/// Why an operation through [`apply_op`] has no result.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalculatorError {
    /// The operation has no result; the value is unchanged.
    #[error(transparent)]
    Calc(#[from] CalcError),
    /// The call itself failed (no server, a timeout, the server exited).
    #[error(transparent)]
    Call(#[from] CallError),
}

// ANCHOR: solution
impl GenServer for CallCalculator {
    type Arg = Start;
    type Call = Request;
    type Reply = Result<i64, CalcError>;
    type Cast = Infallible;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(start: Start) -> Init<Self> {
        teaching::solution! {
            Init::Ok(CallCalculator { value: start.value, work_ms: start.work_ms })
        }
    }

    async fn handle_call(
        &mut self,
        request: Request,
        _from: &Caller<Result<i64, CalcError>>,
    ) -> CallResult<Self> {
        teaching::solution! {
            match request {
                Request::Apply(op) => {
                    process::sleep(self.work_ms).await;
                    let result = calculator::apply(self.value, op);
                    if let Ok(value) = result {
                        self.value = value;
                    }
                    CallResult::Reply(result)
                }
                Request::Value => CallResult::Reply(Ok(self.value)),
            }
        }
    }
}

/// Starts a call-based calculator linked to the caller.
pub async fn start_link(start: Start) -> Result<ServerRef<CallCalculator>, StartError> {
    teaching::solution! {
        gen_server::start_link::<CallCalculator>(start, Options::new()).await
    }
}

/// Applies `op` and returns the new value: the caller waits until the server has done it.
pub async fn apply_op(calc: &ServerRef<CallCalculator>, op: Op) -> Result<i64, CalculatorError> {
    teaching::solution! {
        Ok(gen_server::call(calc, Request::Apply(op)).await??)
    }
}

/// The current value.
pub async fn value(calc: &ServerRef<CallCalculator>) -> Result<i64, CalculatorError> {
    teaching::solution! {
        Ok(gen_server::call(calc, Request::Value).await??)
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;

    const QUICK: Start = Start {
        value: 0,
        work_ms: 0,
    };

    #[test]
    fn each_operation_replies_with_the_new_value() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(calc) = start_link(QUICK).await else {
                    return;
                };
                for op in [Op::Add(5), Op::Multiply(3), Op::Subtract(1), Op::Divide(2)] {
                    sh.say(format!("{:?}", apply_op(&calc, op).await));
                }
                sh.say(format!("{:?}", value(&calc).await));
            })
            .await;
        });
        assert_eq!(out, "Ok(5)\nOk(15)\nOk(14)\nOk(7)\nOk(7)\n");
    }

    #[test]
    fn a_failed_operation_is_an_error_for_the_caller_only() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(calc) = start_link(Start {
                    value: 7,
                    work_ms: 0,
                })
                .await
                else {
                    return;
                };
                sh.say(format!("{:?}", apply_op(&calc, Op::Divide(0)).await));
                sh.say(format!(
                    "{:?}",
                    apply_op(&calc, Op::Multiply(i64::MAX)).await
                ));
                sh.say(format!("{} {:?}", calc.is_alive(), value(&calc).await));
            })
            .await;
        });
        assert_eq!(
            out,
            "Err(Calc(DivisionByZero))\nErr(Calc(Overflow))\ntrue Ok(7)\n"
        );
    }

    #[test]
    fn a_caller_never_gets_ahead_of_a_slow_server() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(calc) = start_link(Start {
                    value: 0,
                    work_ms: 10,
                })
                .await
                else {
                    return;
                };
                let c = calc.clone();
                let client = process::spawn(move |_: otp_core::Mailbox<()>| async move {
                    for _ in 0..100 {
                        let _ = apply_op(&c, Op::Add(1)).await;
                    }
                });
                let mut longest = 0;
                while client.is_alive() {
                    longest = longest.max(process::message_queue_len(calc.pid()));
                    process::sleep(3).await;
                }
                sh.say(format!("{} {:?}", longest <= 1, value(&calc).await));
            })
            .await;
        });
        // The client waited for each of its 100 operations: never more than one in the mailbox.
        assert_eq!(out, "true Ok(100)\n");
    }

    #[test]
    fn calls_to_a_stopped_calculator_fail_with_noproc() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let Ok(calc) = start_link(QUICK).await else {
                    return;
                };
                let stopped = gen_server::stop(&calc, otp_core::ExitReason::Normal, 1000).await;
                sh.say(format!(
                    "{stopped:?} {:?}",
                    apply_op(&calc, Op::Add(1)).await
                ));
            })
            .await;
        });
        assert_eq!(out, "Ok(()) Err(Call(NoProc))\n");
    }
}
