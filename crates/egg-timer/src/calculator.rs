//! Chapter 1's calculator, cut down to what this chapter's first exercise needs: a pure core
//! (`apply`) and the cast-based server, here with a pace, so it can be slower than its clients.
//!
//! The cast server is what the exercise starts from; the exercise
//! ([`crate::exercises::calls_not_casts`]) turns its operations into calls, and the
//! `backpressure` scene puts the two side by side.

use std::convert::Infallible;

use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, ServerRef,
    StartError,
};
use otp_core::{ExitReason, process};

// ANCHOR: core
/// An operation on the calculator's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `value + n`.
    Add(i64),
    /// `value - n`.
    Subtract(i64),
    /// `value * n`.
    Multiply(i64),
    /// `value / n` (integer division).
    Divide(i64),
}

/// Why an operation has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// Dividing by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// The result does not fit in an `i64`.
    #[error("the result does not fit in an i64")]
    Overflow,
}

impl CalcError {
    /// The error as an exit reason's atom: `:division_by_zero`, `:overflow`.
    pub fn atom(&self) -> &'static str {
        match self {
            CalcError::DivisionByZero => "division_by_zero",
            CalcError::Overflow => "overflow",
        }
    }
}

/// The pure core: the value after `op`, or why there is none.
pub fn apply(value: i64, op: Op) -> Result<i64, CalcError> {
    match op {
        Op::Add(n) => value.checked_add(n).ok_or(CalcError::Overflow),
        Op::Subtract(n) => value.checked_sub(n).ok_or(CalcError::Overflow),
        Op::Multiply(n) => value.checked_mul(n).ok_or(CalcError::Overflow),
        Op::Divide(0) => Err(CalcError::DivisionByZero),
        Op::Divide(n) => value.checked_div(n).ok_or(CalcError::Overflow),
    }
}
// ANCHOR_END: core

/// How a calculator starts: its value, and how many milliseconds of work each operation
/// takes (0 for none; the backpressure scene makes the server slower than its client).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Start {
    /// The initial value.
    pub value: i64,
    /// Milliseconds of work per operation.
    pub work_ms: u64,
}

// ANCHOR: cast_server
/// The cast-based calculator: operations are casts, the value is read with a call.
#[derive(Debug)]
pub struct CastCalculator {
    value: i64,
    work_ms: u64,
}

/// The one question the cast calculator answers.
#[derive(Debug)]
pub enum Read {
    /// The current value.
    Value,
}

impl GenServer for CastCalculator {
    type Arg = Start;
    type Call = Read;
    type Reply = i64;
    type Cast = Op;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(start: Start) -> Init<Self> {
        Init::Ok(CastCalculator {
            value: start.value,
            work_ms: start.work_ms,
        })
    }

    async fn handle_cast(&mut self, op: Op) -> CastResult<Self> {
        process::sleep(self.work_ms).await;
        match apply(self.value, op) {
            Ok(value) => {
                self.value = value;
                CastResult::NoReply
            }
            // Nobody is waiting for an answer: the only way to report it is to stop.
            Err(e) => CastResult::Stop(ExitReason::custom(e.atom())),
        }
    }

    async fn handle_call(&mut self, Read::Value: Read, _from: &Caller<i64>) -> CallResult<Self> {
        CallResult::Reply(self.value)
    }
}

/// Starts a cast-based calculator linked to the caller.
pub async fn start_cast_calculator(start: Start) -> Result<ServerRef<CastCalculator>, StartError> {
    gen_server::start_link::<CastCalculator>(start, Options::new()).await
}

/// Sends an operation; returns at once, whatever the server's backlog.
pub fn cast_op(calc: &ServerRef<CastCalculator>, op: Op) {
    gen_server::cast(calc, op);
}

/// The current value: waits behind every operation already in the mailbox.
pub async fn value(calc: &ServerRef<CastCalculator>) -> Result<i64, CallError> {
    gen_server::call(calc, Read::Value).await
}
// ANCHOR_END: cast_server

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_computes_or_says_why_not() {
        assert_eq!(apply(5, Op::Add(3)), Ok(8));
        assert_eq!(apply(5, Op::Subtract(8)), Ok(-3));
        assert_eq!(apply(5, Op::Multiply(-2)), Ok(-10));
        assert_eq!(apply(7, Op::Divide(2)), Ok(3));
        assert_eq!(apply(7, Op::Divide(0)), Err(CalcError::DivisionByZero));
        assert_eq!(apply(i64::MAX, Op::Add(1)), Err(CalcError::Overflow));
        assert_eq!(apply(i64::MIN, Op::Divide(-1)), Err(CalcError::Overflow));
    }

    #[test]
    fn casts_queue_up_behind_a_slow_server() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let start = Start {
                    value: 0,
                    work_ms: 10,
                };
                let Ok(calc) = start_cast_calculator(start).await else {
                    return;
                };
                for _ in 0..100 {
                    cast_op(&calc, Op::Add(1));
                }
                process::sleep(55).await;
                let waiting = process::message_queue_len(calc.pid());
                let v = value(&calc).await;
                sh.say(format!("{waiting} {v:?}"));
            })
            .await;
        });
        // 5 handled and the 6th in hand at 55 ms: 94 waiting; the call waits for all 100.
        assert_eq!(out, "94 Ok(100)\n");
    }

    #[test]
    fn a_bad_operation_stops_the_cast_server_with_a_report() {
        let out = teaching::capture(|sh| async move {
            sh.run(|sh| async move {
                let start = Start {
                    value: 1,
                    work_ms: 0,
                };
                let Ok(calc) = start_cast_calculator(start).await else {
                    return;
                };
                process::unlink(&calc.pid());
                cast_op(&calc, Op::Divide(0));
                let reason = calc.pid().wait_exit().await;
                sh.say(format!("{reason}"));
            })
            .await;
        });
        assert!(out.contains("** (stop) :division_by_zero"), "{out}");
        assert!(out.ends_with("\n:division_by_zero\n"), "{out}");
    }
}
