//! # Your turn: rock, paper, scissors
//!
//! Build a rock-paper-scissors service out of what the chapter taught:
//!
//! - a pure [`core`]: the moves, who beats whom, and a board that turns two throws into a
//!   round and keeps the score;
//! - a [`game::Game`] server per pair of players, started on demand;
//! - a waiting [`room::Room`] that holds the first player until a second one arrives, then
//!   starts a game for the two under a DynamicSupervisor (`Rps.Games`).
//!
//! A player is any process that takes [`PlayerMsg`]s: it joins the room with a name, is told
//! `Paired` with the game to throw into, and is sent a `Round` report after every round.
//!
//! ## What happens when things go wrong
//!
//! - **A game crashes.** Games are *temporary* children of `Rps.Games`: a crashed game is not
//!   restarted. Its state is suspect (it may be what crashed it), and a game restarted with the
//!   same state could crash again and again until `Rps.Games` reaches its restart intensity and
//!   takes every other game down with it. Instead, the room, which monitors every game it
//!   starts, tells both players `GameCrashed`; they can join again for a fresh game. The crash
//!   touches nothing else: not the room, not the other games (a DynamicSupervisor's children
//!   are independent).
//! - **A player leaves** (its process exits). While waiting: the room monitors the waiting
//!   player and forgets it, so the next player waits instead of being paired with nobody.
//!   In a game: the game monitors both players; it tells the other one `OpponentLeft` and
//!   stops normally, which, for a temporary child, removes it.
//! - **The room or `Rps.Games` crashes.** They sit under `Rps.Supervisor`, `rest_for_one`,
//!   games first: a crash of `Rps.Games` ends every game and restarts the room too (its list
//!   of games would be wrong), and nobody tells those players (a player that must know should
//!   monitor its game); a crash of the room loses the waiting player and its watch over the
//!   running games, which play on.
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` in [`core`], [`game`] and
//! [`room`]. Keep the types and signatures; the tests (in those files and at the bottom of this
//! one) stay unchanged. Check with `cargo test -p dynamic-super exercises::rock_paper_scissors`.

pub mod core;
pub mod game;
pub mod room;

use otp_core::gen_server::{self, CallError, Options, ServerRef, StartError};
use otp_core::supervisor::{self, ChildSpec, Strategy, SupervisorError, SupervisorRef};
use otp_core::{Addr, Pid, dynamic_supervisor};

pub use self::core::{Move, Verdict};
pub use self::game::{Game, Player, PlayerMsg, Report, Thrown};
pub use self::room::{Joined, Room};

/// The top supervisor's registered name.
pub const SUPERVISOR: &str = "Rps.Supervisor";
/// The games' DynamicSupervisor's registered name.
pub const GAMES: &str = "Rps.Games";
/// The waiting room's registered name.
pub const ROOM: &str = "Rps.Room";

/// Why a request to the room or a game failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RpsError {
    /// This player is already waiting in the room.
    #[error("you are waiting already")]
    AlreadyWaiting,
    /// This player is not the one waiting.
    #[error("you are not waiting")]
    NotWaiting,
    /// The thrower is not one of the game's players.
    #[error("you are not playing in this game")]
    NotAPlayer,
    /// The throw was refused.
    #[error("{0}")]
    Throw(#[from] self::core::ThrowError),
    /// The game could not be started.
    #[error("no game could be started: {0}")]
    NoGame(SupervisorError),
    /// The room or the game could not be reached (`NoProc` for a game that has ended).
    #[error("no answer: {0}")]
    Call(#[from] CallError),
}

// ANCHOR: tree
/// Starts the service: `Rps.Games` (a DynamicSupervisor), then `Rps.Room`, under
/// `Rps.Supervisor` with the `rest_for_one` strategy.
///
/// # Panics
/// Outside a process.
pub async fn start_link() -> Result<SupervisorRef, StartError> {
    let games =
        dynamic_supervisor::child_spec(GAMES, dynamic_supervisor::Options::new().name(GAMES));
    let room = ChildSpec::new(ROOM, || async {
        gen_server::start_link::<Room>((), Options::new().name(ROOM))
            .await
            .map(|s| s.pid())
    })
    .modules([ROOM]);
    supervisor::start_link(
        vec![games, room],
        supervisor::Options::new()
            .strategy(Strategy::RestForOne)
            .name(SUPERVISOR),
    )
    .await
}
// ANCHOR_END: tree

/// Joins the room as `name`; news goes to `player`.
pub async fn join(name: &str, player: &Addr<PlayerMsg>) -> Result<Joined, RpsError> {
    match gen_server::call::<Room>(ROOM, room::Call::Join(Player::new(name, player))).await? {
        room::Reply::Joined(joined) => joined,
        other => unreachable!("the room answers a join with Joined, not {other:?}"),
    }
}

/// Leaves the room, for the waiting player `player`.
pub async fn leave(player: &Pid) -> Result<(), RpsError> {
    match gen_server::call::<Room>(ROOM, room::Call::Leave(player.clone())).await? {
        room::Reply::Left(left) => left,
        other => unreachable!("the room answers a leave with Left, not {other:?}"),
    }
}

/// The name of the player waiting in the room, if any.
pub async fn waiting() -> Result<Option<String>, RpsError> {
    match gen_server::call::<Room>(ROOM, room::Call::Waiting).await? {
        room::Reply::Waiting(name) => Ok(name),
        other => unreachable!("the room answers with Waiting, not {other:?}"),
    }
}

/// The player `player` throws `mv` in `game`.
pub async fn throw(game: &ServerRef<Game>, player: &Pid, mv: Move) -> Result<Thrown, RpsError> {
    gen_server::call(game, game::Call::Throw(player.clone(), mv)).await?
}

/// Makes `game` crash.
pub fn crash(game: &ServerRef<Game>) {
    gen_server::cast(game, game::Cast::Crash)
}

/// How many games are running.
pub async fn games() -> Result<usize, SupervisorError> {
    Ok(dynamic_supervisor::count_children(GAMES).await?.active)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::exercises::in_node;
    use otp_core::{ExitReason, Mailbox, Received, process};
    use tokio::sync::mpsc;

    /// A player for the tests: a process that passes on everything it is told.
    struct TestPlayer {
        name: &'static str,
        addr: Addr<PlayerMsg>,
        news: mpsc::UnboundedReceiver<PlayerMsg>,
    }

    impl TestPlayer {
        fn spawn(name: &'static str) -> Self {
            let (tx, news) = mpsc::unbounded_channel();
            let addr = process::spawn(move |mut inbox: Mailbox<PlayerMsg>| async move {
                while let Received::Msg(msg) = inbox.receive().await {
                    if tx.send(msg).is_err() {
                        break;
                    }
                }
            });
            TestPlayer { name, addr, news }
        }

        fn pid(&self) -> Pid {
            self.addr.pid()
        }

        async fn join(&self) -> Result<Joined, RpsError> {
            join(self.name, &self.addr).await
        }

        /// The next thing this player is told (`None` if nothing comes: the clock is paused,
        /// so the wait costs no real time).
        async fn next(&mut self) -> Option<PlayerMsg> {
            tokio::time::timeout(Duration::from_secs(5), self.news.recv())
                .await
                .ok()
                .flatten()
        }

        /// Leaves by exiting.
        async fn quit(&self) {
            process::exit(&self.pid(), ExitReason::Kill);
            self.pid().wait_exit().await;
        }
    }

    /// The game both players were told about, if they were told about the same one.
    async fn paired(a: &mut TestPlayer, b: &mut TestPlayer) -> Option<ServerRef<Game>> {
        let (
            Some(PlayerMsg::Paired {
                game: ga,
                opponent: oa,
            }),
            Some(PlayerMsg::Paired {
                game: gb,
                opponent: ob,
            }),
        ) = (a.next().await, b.next().await)
        else {
            return None;
        };
        (ga == gb && oa == b.name && ob == a.name).then_some(ga)
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_player_waits_and_the_second_starts_a_game() {
        let (got, _) = in_node(async {
            start_link().await.expect("the service starts");
            let (mut alice, mut bob) = (TestPlayer::spawn("alice"), TestPlayer::spawn("bob"));
            let first = alice.join().await;
            let waiting = waiting().await;
            let second = bob.join().await;
            let game = paired(&mut alice, &mut bob).await;
            (
                first,
                waiting,
                second,
                game,
                super::waiting().await,
                games().await,
            )
        })
        .await;
        let (first, waiting, second, game, after, running) = got;
        assert_eq!(first, Ok(Joined::Waiting));
        assert_eq!(waiting, Ok(Some("alice".to_string())));
        let game = game.expect("both players were told about the same game");
        assert_eq!(second, Ok(Joined::Paired(game)));
        assert_eq!(after, Ok(None), "nobody waits any more");
        assert_eq!(running, Ok(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_round_is_reported_to_both_players() {
        let (got, _) = in_node(async {
            start_link().await.expect("the service starts");
            let (mut alice, mut bob) = (TestPlayer::spawn("alice"), TestPlayer::spawn("bob"));
            alice.join().await.expect("alice waits");
            bob.join().await.expect("bob starts a game");
            let game = paired(&mut alice, &mut bob).await.expect("a game");
            let first = throw(&game, &alice.pid(), Move::Rock).await;
            let twice = throw(&game, &alice.pid(), Move::Paper).await;
            let stranger = throw(&game, &process::self_pid(), Move::Paper).await;
            let second = throw(&game, &bob.pid(), Move::Scissors).await;
            (
                first,
                twice,
                stranger,
                second,
                alice.next().await,
                bob.next().await,
            )
        })
        .await;
        let (first, twice, stranger, second, to_alice, to_bob) = got;
        assert_eq!(first, Ok(Thrown::Waiting));
        assert_eq!(
            twice,
            Err(RpsError::Throw(self::core::ThrowError::AlreadyThrown))
        );
        assert_eq!(stranger, Err(RpsError::NotAPlayer));
        let bobs = Report {
            you: Move::Scissors,
            them: Move::Rock,
            verdict: Verdict::Lost,
            wins: 0,
            losses: 1,
            draws: 0,
        };
        assert_eq!(second, Ok(Thrown::Round(bobs)));
        assert_eq!(to_bob, Some(PlayerMsg::Round(bobs)));
        assert_eq!(
            to_alice,
            Some(PlayerMsg::Round(Report {
                you: Move::Rock,
                them: Move::Scissors,
                verdict: Verdict::Won,
                wins: 1,
                losses: 0,
                draws: 0,
            }))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_who_leaves_the_room_is_not_paired() {
        let (got, _) = in_node(async {
            start_link().await.expect("the service starts");
            let alice = TestPlayer::spawn("alice");
            alice.join().await.expect("alice waits");
            alice.quit().await;
            // The room has read alice's Down message by the time it answers.
            let after_alice = waiting().await;
            let (mut bob, mut carol) = (TestPlayer::spawn("bob"), TestPlayer::spawn("carol"));
            let bob_joined = bob.join().await;
            let carol_joined = carol.join().await;
            let game = paired(&mut bob, &mut carol).await;
            // Leaving by asking.
            let dave = TestPlayer::spawn("dave");
            dave.join().await.expect("dave waits");
            let left = leave(&dave.pid()).await;
            let again = leave(&dave.pid()).await;
            (
                after_alice,
                bob_joined,
                carol_joined,
                game,
                left,
                again,
                waiting().await,
            )
        })
        .await;
        let (after_alice, bob_joined, carol_joined, game, left, again, now) = got;
        assert_eq!(after_alice, Ok(None));
        assert_eq!(bob_joined, Ok(Joined::Waiting), "bob waits: alice is gone");
        let game = game.expect("bob and carol play together");
        assert_eq!(carol_joined, Ok(Joined::Paired(game)));
        assert_eq!(left, Ok(()));
        assert_eq!(again, Err(RpsError::NotWaiting));
        assert_eq!(now, Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_who_leaves_a_game_ends_it_and_the_other_is_told() {
        let (got, _) = in_node(async {
            start_link().await.expect("the service starts");
            let (mut alice, mut bob) = (TestPlayer::spawn("alice"), TestPlayer::spawn("bob"));
            alice.join().await.expect("alice waits");
            bob.join().await.expect("bob starts a game");
            let game = paired(&mut alice, &mut bob).await.expect("a game");
            bob.quit().await;
            let told = alice.next().await;
            let ended = game.pid().wait_exit().await;
            let throw_after = throw(&game, &alice.pid(), Move::Rock).await;
            let rejoined = alice.join().await;
            (told, ended, throw_after, games().await, rejoined)
        })
        .await;
        let (told, ended, throw_after, running, rejoined) = got;
        assert_eq!(told, Some(PlayerMsg::OpponentLeft));
        assert_eq!(ended, ExitReason::Normal);
        assert_eq!(throw_after, Err(RpsError::Call(CallError::NoProc)));
        assert_eq!(running, Ok(0), "a game that ended is gone");
        assert_eq!(rejoined, Ok(Joined::Waiting));
    }

    #[tokio::test(start_paused = true)]
    async fn a_crashed_game_is_not_restarted_and_its_players_are_told() {
        let (got, out) = in_node(async {
            start_link().await.expect("the service starts");
            let room = process::whereis(&ROOM.into());
            let (mut alice, mut bob) = (TestPlayer::spawn("alice"), TestPlayer::spawn("bob"));
            alice.join().await.expect("alice waits");
            bob.join().await.expect("bob starts a game");
            let game = paired(&mut alice, &mut bob).await.expect("a game");
            throw(&game, &alice.pid(), Move::Rock)
                .await
                .expect("a throw");
            crash(&game);
            let reason = game.pid().wait_exit().await;
            let told = (alice.next().await, bob.next().await);
            let running = games().await;
            // The room is the same process, and pairs the two again in a new game.
            alice.join().await.expect("alice waits again");
            bob.join().await.expect("bob starts a new game");
            let again = paired(&mut alice, &mut bob).await;
            let room_after = process::whereis(&ROOM.into());
            (reason, told, running, game, again, room == room_after)
        })
        .await;
        let (reason, told, running, game, again, same_room) = got;
        assert_eq!(reason, ExitReason::panic("Boom"));
        assert_eq!(
            told,
            (Some(PlayerMsg::GameCrashed), Some(PlayerMsg::GameCrashed))
        );
        assert_eq!(running, Ok(0), "a temporary game is not restarted");
        let again = again.expect("a new game for the two");
        assert_ne!(again, game);
        assert!(same_room, "the room did not crash");
        assert!(out.contains("** (panic) Boom"), "{out}");
    }
}
