//! The core in a shell: reducers applied by hand, then by `fold` (transcript
//! `ch1-core-reducers`).

use teaching::Shell;
use teaching::show;

use crate::core::{Number, add, divide, fold, inc, subtract};

// ANCHOR: scene
/// `import Calculator.Core`, then the reducers by hand and through `fold`.
pub async fn core_reducers(sh: Shell) {
    sh.section("The core: reducers and fold");
    let list = show!(sh, [1, 2, 3]);
    let acc = show!(sh, Number::Int(10));
    show!(sh, subtract(subtract(subtract(acc, 1), 2), 3));
    show!(sh, fold(list, acc, subtract));
    show!(sh, inc(inc(inc(acc))));
    show!(sh, fold([1, 2, 3], acc, |acc, _| inc(acc)));
    show!(sh, divide(10, 2));
    show!(sh, fold([1, 2, 3, 4], Number::Int(0), add));
}
// ANCHOR_END: scene
