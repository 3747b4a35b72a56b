//! The game itself, as plain data: moves, who wins, and a board that collects two throws into
//! a round. No processes here.

// ANCHOR: core
/// A throw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Move {
    /// Blunts scissors.
    Rock,
    /// Covers rock.
    Paper,
    /// Cut paper.
    Scissors,
}

impl Move {
    /// Every move.
    pub const ALL: [Move; 3] = [Move::Rock, Move::Paper, Move::Scissors];

    /// `true` if this move beats `other`.
    pub fn beats(self, other: Move) -> bool {
        teaching::solution! {
            matches!(
                (self, other),
                (Move::Rock, Move::Scissors)
                    | (Move::Paper, Move::Rock)
                    | (Move::Scissors, Move::Paper)
            )
        }
    }
}

/// One of the two places at a game: the player who waited, and the one who arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Seat {
    /// The player who was waiting in the room.
    First,
    /// The player whose arrival started the game.
    Second,
}

impl Seat {
    /// The seat across the table.
    pub fn other(self) -> Seat {
        match self {
            Seat::First => Seat::Second,
            Seat::Second => Seat::First,
        }
    }

    /// 0 for the first seat, 1 for the second.
    pub fn index(self) -> usize {
        match self {
            Seat::First => 0,
            Seat::Second => 1,
        }
    }
}

/// How a round ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The player in this seat won.
    Win(Seat),
    /// Both threw the same.
    Draw,
}

/// How a round ended, for one player.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// You won.
    Won,
    /// You lost.
    Lost,
    /// Nobody won.
    Draw,
}

impl Outcome {
    /// The outcome as the player in `seat` sees it.
    pub fn for_seat(self, seat: Seat) -> Verdict {
        match self {
            Outcome::Draw => Verdict::Draw,
            Outcome::Win(winner) if winner == seat => Verdict::Won,
            Outcome::Win(_) => Verdict::Lost,
        }
    }
}

/// Who wins when the first seat throws `first` and the second `second`.
pub fn judge(first: Move, second: Move) -> Outcome {
    teaching::solution! {
        if first.beats(second) {
            Outcome::Win(Seat::First)
        } else if second.beats(first) {
            Outcome::Win(Seat::Second)
        } else {
            Outcome::Draw
        }
    }
}

/// The running score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Rounds won, by seat.
    pub wins: [u32; 2],
    /// Rounds drawn.
    pub draws: u32,
}

/// A finished round: both throws, by seat, and who won.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    /// What each seat threw.
    pub moves: [Move; 2],
    /// Who won.
    pub outcome: Outcome,
}

/// A game between two throws and after them: what has been thrown in the current round, and
/// the score so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Board {
    thrown: [Option<Move>; 2],
    /// The score so far.
    pub score: Score,
}

/// Why a throw was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ThrowError {
    /// This seat has thrown already in this round: wait for the other one.
    #[error("you have thrown already this round")]
    AlreadyThrown,
}

/// Throws `mv` from `seat`. The round is over when both seats have thrown: then the board is
/// cleared for the next round, the score counts it, and the round is returned.
pub fn throw(board: &Board, seat: Seat, mv: Move) -> Result<(Board, Option<Round>), ThrowError> {
    teaching::solution! {
        if board.thrown[seat.index()].is_some() {
            return Err(ThrowError::AlreadyThrown);
        }
        let mut next = *board;
        next.thrown[seat.index()] = Some(mv);
        let [Some(first), Some(second)] = next.thrown else {
            return Ok((next, None));
        };
        let outcome = judge(first, second);
        match outcome {
            Outcome::Win(winner) => next.score.wins[winner.index()] += 1,
            Outcome::Draw => next.score.draws += 1,
        }
        next.thrown = [None, None];
        Ok((next, Some(Round { moves: [first, second], outcome })))
    }
}
// ANCHOR_END: core

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_move_beats_exactly_one_other_and_loses_to_the_third() {
        for a in Move::ALL {
            let beaten: Vec<Move> = Move::ALL.into_iter().filter(|b| a.beats(*b)).collect();
            let beaten_by: Vec<Move> = Move::ALL.into_iter().filter(|b| b.beats(a)).collect();
            assert_eq!(beaten.len(), 1, "{a:?} beats {beaten:?}");
            assert_eq!(beaten_by.len(), 1, "{a:?} is beaten by {beaten_by:?}");
            assert_ne!(beaten, beaten_by);
            assert!(!a.beats(a));
        }
        assert!(Move::Rock.beats(Move::Scissors));
        assert!(Move::Paper.beats(Move::Rock));
        assert!(Move::Scissors.beats(Move::Paper));
    }

    #[test]
    fn judge_names_the_winner_or_a_draw_for_all_nine_pairs() {
        for a in Move::ALL {
            for b in Move::ALL {
                let expected = if a == b {
                    Outcome::Draw
                } else if a.beats(b) {
                    Outcome::Win(Seat::First)
                } else {
                    Outcome::Win(Seat::Second)
                };
                assert_eq!(judge(a, b), expected, "{a:?} against {b:?}");
            }
        }
        assert_eq!(judge(Move::Rock, Move::Paper), Outcome::Win(Seat::Second));
    }

    #[test]
    fn a_round_takes_both_throws_then_the_board_is_clear() {
        let board = Board::default();
        let (board, none) = throw(&board, Seat::Second, Move::Rock).expect("first throw");
        assert_eq!(none, None, "one throw is not a round");
        let (board, round) = throw(&board, Seat::First, Move::Scissors).expect("second throw");
        assert_eq!(
            round,
            Some(Round {
                moves: [Move::Scissors, Move::Rock],
                outcome: Outcome::Win(Seat::Second),
            })
        );
        assert_eq!(
            board.score,
            Score {
                wins: [0, 1],
                draws: 0
            }
        );
        // A new round: both may throw again.
        let (board, _) = throw(&board, Seat::Second, Move::Paper).expect("a new round");
        let (board, round) = throw(&board, Seat::First, Move::Paper).expect("a draw");
        assert_eq!(round.map(|r| r.outcome), Some(Outcome::Draw));
        assert_eq!(
            board.score,
            Score {
                wins: [0, 1],
                draws: 1
            }
        );
    }

    #[test]
    fn a_seat_cannot_throw_twice_in_a_round() {
        let (board, _) = throw(&Board::default(), Seat::First, Move::Rock).expect("first throw");
        assert_eq!(
            throw(&board, Seat::First, Move::Paper),
            Err(ThrowError::AlreadyThrown)
        );
    }

    #[test]
    fn the_verdict_is_seen_from_each_seat() {
        let outcome = Outcome::Win(Seat::First);
        assert_eq!(outcome.for_seat(Seat::First), Verdict::Won);
        assert_eq!(outcome.for_seat(Seat::Second), Verdict::Lost);
        assert_eq!(Outcome::Draw.for_seat(Seat::Second), Verdict::Draw);
        assert_eq!(
            judge(Move::Paper, Move::Rock).for_seat(Seat::Second),
            Verdict::Lost
        );
    }
}
