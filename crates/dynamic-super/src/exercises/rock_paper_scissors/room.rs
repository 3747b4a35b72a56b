//! The waiting room: holds the first player until a second arrives, then starts a game for the
//! two under the games' DynamicSupervisor, and keeps an eye on the games it started.

use std::collections::HashMap;
use std::fmt;

use otp_core::dynamic_supervisor;
use otp_core::gen_server::{CallResult, Caller, CastResult, GenServer, Info, Init, ServerRef};
use otp_core::{MonitorRef, Pid, process};

use super::game::{self, Game, Player, PlayerMsg};
use super::{GAMES, RpsError};

/// What a player joining the room gets.
#[derive(Clone, Debug, PartialEq)]
pub enum Joined {
    /// Nobody was waiting: you wait for the next player (you will be sent `Paired`).
    Waiting,
    /// Somebody was waiting: this game has started for the two of you (you are both sent
    /// `Paired` as well).
    Paired(ServerRef<Game>),
}

/// The room's requests.
#[derive(Debug)]
pub enum Call {
    /// A player joins.
    Join(Player),
    /// The waiting player `Pid` leaves.
    Leave(Pid),
    /// Who is waiting?
    Waiting,
}

/// The room's replies.
#[derive(Debug)]
pub enum Reply {
    /// To `Join`.
    Joined(Result<Joined, RpsError>),
    /// To `Leave`.
    Left(Result<(), RpsError>),
    /// To `Waiting`: the waiting player's name.
    Waiting(Option<String>),
}

// ANCHOR: room
/// The room's state: the player waiting (with the monitor that tells when they leave), and the
/// players of every game it started, by the game's pid.
pub struct Room {
    waiting: Option<(Player, MonitorRef)>,
    games: HashMap<Pid, [Player; 2]>,
}

impl GenServer for Room {
    type Arg = ();
    type Call = Call;
    type Reply = Reply;
    type Cast = std::convert::Infallible;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init((): ()) -> Init<Self> {
        teaching::solution! {
            Init::Ok(Room { waiting: None, games: HashMap::new() })
        }
    }

    async fn handle_call(&mut self, msg: Call, _from: &Caller<Reply>) -> CallResult<Self> {
        teaching::solution! {
            let reply = match msg {
                Call::Join(player) => Reply::Joined(self.join(player).await),
                Call::Leave(pid) => Reply::Left(self.leave(&pid)),
                Call::Waiting => {
                    Reply::Waiting(self.waiting.as_ref().map(|(p, _)| p.name.clone()))
                }
            };
            CallResult::Reply(reply)
        }
    }

    async fn handle_info(&mut self, msg: Info<std::convert::Infallible>) -> CastResult<Self> {
        teaching::solution! {
            if let Info::Down(down) = msg {
                if self.waiting.as_ref().is_some_and(|(p, _)| p.pid() == down.pid) {
                    // The waiting player left: nobody is waiting any more.
                    self.waiting = None;
                } else if let Some(players) = self.games.remove(&down.pid) {
                    // A game ended. Normally (a player left) its players know already; a crash
                    // they hear about from us, since the game is not coming back.
                    if !down.reason.is_clean() {
                        for player in &players {
                            player.addr.send(PlayerMsg::GameCrashed);
                        }
                    }
                }
            }
            CastResult::NoReply
        }
    }

    fn module() -> &'static str {
        super::ROOM
    }
}

impl Room {
    async fn join(&mut self, player: Player) -> Result<Joined, RpsError> {
        teaching::solution! {
            // A waiting player whose exit the room has not read yet is as good as gone.
            let first = match &self.waiting {
                Some((first, _)) if first.pid() == player.pid() => {
                    return Err(RpsError::AlreadyWaiting);
                }
                Some((first, _)) if first.pid().is_alive() => first.clone(),
                _ => {
                    if let Some((_, stale)) = self.waiting.take() {
                        process::demonitor(&stale, true);
                    }
                    let watch = process::monitor(&player.pid());
                    self.waiting = Some((player, watch));
                    return Ok(Joined::Waiting);
                }
            };
            let players = [first, player];
            let pid = dynamic_supervisor::start_child(GAMES, game::child_spec(players.clone()))
                .await
                .map_err(RpsError::NoGame)?;
            if let Some((_, watch)) = self.waiting.take() {
                process::demonitor(&watch, true);
            }
            process::monitor(&pid);
            self.games.insert(pid.clone(), players);
            // `game::child_spec` starts a `Game`, so the pid is a Game's.
            let game = ServerRef::from_pid(&pid).expect("the child is a Game");
            Ok(Joined::Paired(game))
        }
    }

    fn leave(&mut self, pid: &Pid) -> Result<(), RpsError> {
        teaching::solution! {
            match self.waiting.take() {
                Some((player, watch)) if &player.pid() == pid => {
                    process::demonitor(&watch, true);
                    Ok(())
                }
                other => {
                    self.waiting = other;
                    Err(RpsError::NotWaiting)
                }
            }
        }
    }
}
// ANCHOR_END: room

impl fmt::Debug for Room {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{waiting: {:?}, games: {}}}",
            self.waiting.as_ref().map(|(p, _)| p),
            self.games.len()
        )
    }
}
