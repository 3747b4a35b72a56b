//! The API over the hand-made boundary, a crash nothing recovers from, and `state` of a dead
//! calculator (transcript `ch1-api-crash`).

use otp_core::Mailbox;
use teaching::Shell;
use teaching::show;

use crate as calculator;
use crate::boundary::Reply;
use otp_core::timer::tc;

// ANCHOR: scene
/// `Calculator.start 10`, a few sums, then a division by zero.
pub async fn api_crash(sh: Shell) {
    sh.section("An API over the boundary, and a crash");
    sh.run_with_mailbox(|sh, mut inbox: Mailbox<Reply>| async move {
        let calc = show!(sh, calculator::start(10));
        show!(sh, calculator::add(&calc, 1));
        show!(sh, calculator::add(&calc, 5));
        let _ = show!(sh, calculator::state(&calc, &mut inbox).await);
        show!(sh, calculator::divide(&calc, 0));
        sh.input("sh.sleep(300).await");
        sh.sleep(300).await;
        show!(sh, calc.is_alive());
        let _ = show!(sh, tc(calculator::state(&calc, &mut inbox)).await);
    })
    .await;
}
// ANCHOR_END: scene
