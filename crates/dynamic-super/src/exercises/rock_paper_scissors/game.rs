//! One game: a GenServer per pair of players, started by the waiting room under the games'
//! DynamicSupervisor.

use std::fmt;

use otp_core::gen_server::{
    self, CallResult, Caller, CastResult, GenServer, Info, Init, Options, ServerRef,
};
use otp_core::supervisor::{ChildSpec, Restart};
use otp_core::{Addr, ExitReason, Pid, process};

use super::RpsError;
use super::core::{self, Board, Move, Seat, Verdict};

/// The module name the supervisors show for a game.
pub const MODULE: &str = "Rps.Game";

/// A player as the room and the games know it: a name, and the process to tell things to.
#[derive(Clone)]
pub struct Player {
    /// The name shown to the opponent.
    pub name: String,
    /// Where the player's news goes.
    pub addr: Addr<PlayerMsg>,
}

impl Player {
    /// A player named `name` whose news goes to `addr`.
    pub fn new(name: impl Into<String>, addr: &Addr<PlayerMsg>) -> Self {
        Player {
            name: name.into(),
            addr: addr.clone(),
        }
    }

    /// The player's process.
    pub fn pid(&self) -> Pid {
        self.addr.pid()
    }
}

impl fmt::Debug for Player {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{:?}, {}}}", self.name, self.addr.pid())
    }
}

/// What a player is told.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerMsg {
    /// A game has started: throw into `game`.
    Paired {
        /// The game.
        game: ServerRef<Game>,
        /// The other player's name.
        opponent: String,
    },
    /// A round is over.
    Round(Report),
    /// The other player's process exited: the game is over.
    OpponentLeft,
    /// The game crashed and will not come back: join the room again to play on.
    GameCrashed,
}

/// A round, as one player sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// What you threw.
    pub you: Move,
    /// What your opponent threw.
    pub them: Move,
    /// Who won.
    pub verdict: Verdict,
    /// Rounds you have won so far.
    pub wins: u32,
    /// Rounds your opponent has won so far.
    pub losses: u32,
    /// Rounds drawn so far.
    pub draws: u32,
}

/// What a throw did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thrown {
    /// The opponent has not thrown yet: the report will come as a message.
    Waiting,
    /// The round is over (both players are also sent the report).
    Round(Report),
}

/// The game's requests.
#[derive(Debug)]
pub enum Call {
    /// The player `Pid` throws a move.
    Throw(Pid, Move),
}

/// The game's casts.
#[derive(Debug)]
pub enum Cast {
    /// Raise `Boom`, as the characters' `die` does: the tests of the crash policy use it.
    Crash,
}

// ANCHOR: game
/// The game's state: the two players (by seat) and the board.
pub struct Game {
    players: [Player; 2],
    board: Board,
}

impl GenServer for Game {
    type Arg = [Player; 2];
    type Call = Call;
    type Reply = Result<Thrown, RpsError>;
    type Cast = Cast;
    type Info = std::convert::Infallible;
    type Continue = std::convert::Infallible;

    async fn init(players: [Player; 2]) -> Init<Self> {
        teaching::solution! {
            // Watch both players: a player whose process exits has left the game.
            let me = gen_server::self_ref::<Game>();
            for (seat, player) in players.iter().enumerate() {
                process::monitor(&player.pid());
                player.addr.send(PlayerMsg::Paired {
                    game: me.clone(),
                    opponent: players[1 - seat].name.clone(),
                });
            }
            Init::Ok(Game { players, board: Board::default() })
        }
    }

    async fn handle_call(
        &mut self,
        Call::Throw(pid, mv): Call,
        _from: &Caller<Self::Reply>,
    ) -> CallResult<Self> {
        teaching::solution! {
            let Some(seat) = self.seat_of(&pid) else {
                return CallResult::Reply(Err(RpsError::NotAPlayer));
            };
            let (board, round) = match core::throw(&self.board, seat, mv) {
                Ok(next) => next,
                Err(e) => return CallResult::Reply(Err(RpsError::Throw(e))),
            };
            self.board = board;
            let Some(round) = round else {
                return CallResult::Reply(Ok(Thrown::Waiting));
            };
            for s in [Seat::First, Seat::Second] {
                self.players[s.index()].addr.send(PlayerMsg::Round(self.report(s, round)));
            }
            CallResult::Reply(Ok(Thrown::Round(self.report(seat, round))))
        }
    }

    async fn handle_cast(&mut self, Cast::Crash: Cast) -> CastResult<Self> {
        panic!("Boom")
    }

    async fn handle_info(&mut self, msg: Info<std::convert::Infallible>) -> CastResult<Self> {
        teaching::solution! {
            match msg {
                Info::Down(down) => {
                    // One player left: tell the other, and end the game normally.
                    if let Some(seat) = self.seat_of(&down.pid) {
                        self.players[seat.other().index()].addr.send(PlayerMsg::OpponentLeft);
                    }
                    CastResult::Stop(ExitReason::Normal)
                }
                _ => CastResult::NoReply,
            }
        }
    }

    fn module() -> &'static str {
        MODULE
    }
}
// ANCHOR_END: game

impl Game {
    fn seat_of(&self, pid: &Pid) -> Option<Seat> {
        [Seat::First, Seat::Second]
            .into_iter()
            .find(|s| &self.players[s.index()].pid() == pid)
    }

    /// The round `round` as the player in `seat` sees it.
    fn report(&self, seat: Seat, round: core::Round) -> Report {
        let (me, them) = (seat.index(), seat.other().index());
        Report {
            you: round.moves[me],
            them: round.moves[them],
            verdict: round.outcome.for_seat(seat),
            wins: self.board.score.wins[me],
            losses: self.board.score.wins[them],
            draws: self.board.score.draws,
        }
    }
}

impl fmt::Debug for Game {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{{:?}, {:?}, {:?}}}",
            self.players[0].name, self.players[1].name, self.board.score
        )
    }
}

// ANCHOR: game_spec
/// A game between `players` (the first seat is the player who waited). Temporary: a game that
/// crashes is not restarted (the room tells its players instead), and one that ends is
/// forgotten.
pub fn child_spec(players: [Player; 2]) -> ChildSpec {
    ChildSpec::new("game", move || {
        let players = players.clone();
        async move {
            gen_server::start_link::<Game>(players, Options::new())
                .await
                .map(|s| s.pid())
        }
    })
    .restart(Restart::Temporary)
    .modules([MODULE])
}
// ANCHOR_END: game_spec
