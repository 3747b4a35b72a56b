//! Control messages: the signals nodes exchange over a connection, as terms.
//!
//! Every distribution message is a control term, a tuple whose first element names the
//! operation, and for some operations a second term, the payload (the message of a send, the
//! reason of a payload exit). [`ControlMessage`] is one Rust variant per operation this node
//! handles; [`ControlMessage::encode`] and [`ControlMessage::decode`] turn it into the bytes of
//! one pass-through frame body (after the length and the `112` type byte) and back.
//!
//! | operation (number)                | variant                      |
//! |-----------------------------------|------------------------------|
//! | `LINK` (1)                        | [`ControlMessage::Link`]     |
//! | `SEND` (2), `SEND_TT` (12), `SEND_SENDER` (22), `SEND_SENDER_TT` (23) | [`ControlMessage::Send`] |
//! | `EXIT` (3), `EXIT_TT` (13), `PAYLOAD_EXIT` (24), `PAYLOAD_EXIT_TT` (25) | [`ControlMessage::Exit`] |
//! | `UNLINK` (4, before OTP 26)       | [`ControlMessage::Unlink`]   |
//! | `NODE_LINK` (5)                   | [`ControlMessage::NodeLink`] |
//! | `REG_SEND` (6), `REG_SEND_TT` (16) | [`ControlMessage::RegSend`] |
//! | `GROUP_LEADER` (7)                | [`ControlMessage::GroupLeader`] |
//! | `EXIT2` (8), `EXIT2_TT` (18), `PAYLOAD_EXIT2` (26), `PAYLOAD_EXIT2_TT` (27) | [`ControlMessage::Exit2`] |
//! | `MONITOR_P` (19)                  | [`ControlMessage::MonitorP`] |
//! | `DEMONITOR_P` (20)                | [`ControlMessage::DemonitorP`] |
//! | `MONITOR_P_EXIT` (21), `PAYLOAD_MONITOR_P_EXIT` (28) | [`ControlMessage::MonitorPExit`] |
//! | `ALIAS_SEND` (33), `ALIAS_SEND_TT` (34) | [`ControlMessage::AliasSend`] |
//! | `UNLINK_ID` (35), `UNLINK_ID_ACK` (36) | [`ControlMessage::UnlinkId`], [`ControlMessage::UnlinkIdAck`] |
//!
//! The spawn operations (29 to 32) are absent on purpose: this node does not advertise
//! `DFLAG_SPAWN`, so no peer sends them.
//!
//! ```
//! use otp_core::dist::{ControlMessage, Flags};
//! use otp_core::term::{ExternalPid, Term};
//!
//! let from = ExternalPid::new("erl@127.0.0.1", 85, 0, 1);
//! let message = ControlMessage::RegSend {
//!     from,
//!     to: "superman".into(),
//!     message: Term::atom("say"),
//!     token: None,
//! };
//! let body = message.encode(Flags::ADVERTISED).unwrap();
//! assert_eq!(ControlMessage::decode(&body).unwrap(), message);
//! ```

use crate::exit::Atom;
use crate::term::etf::{self, DecodeError, EncodeError};
use crate::term::{ExternalPid, ExternalRef, Term};

use super::Flags;

/// The process a monitor names: a pid, or a registered name on the node that receives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProcessRef {
    /// A process by pid.
    Pid(ExternalPid),
    /// A process by its registered name.
    Name(Atom),
}

impl ProcessRef {
    fn into_term(self) -> Term {
        match self {
            ProcessRef::Pid(pid) => Term::Pid(pid),
            ProcessRef::Name(name) => Term::Atom(name),
        }
    }
}

/// One distribution operation. See the [`dist` documentation](crate::dist) and the table of operations there for the operation each
/// variant stands for.
///
/// `token` fields carry a sequential-trace token: `None` on every message unless the sending
/// process is being traced with `seq_trace`; a message with a token is sent and read as the
/// `_TT` form of its operation.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlMessage {
    /// `from` links to `to`.
    Link {
        /// The process that called `link/1`.
        from: ExternalPid,
        /// The process it links to.
        to: ExternalPid,
    },
    /// A message for a pid. `from` is the sender when the peer uses `SEND_SENDER` (every
    /// OTP 21+ node does), `None` for a plain `SEND`.
    Send {
        /// The sender, when known.
        from: Option<ExternalPid>,
        /// The receiving process.
        to: ExternalPid,
        /// The message.
        message: Term,
        /// A sequential-trace token.
        token: Option<Term>,
    },
    /// A linked process exited: the exit signal that travels along a link.
    Exit {
        /// The process that exited.
        from: ExternalPid,
        /// The process linked to it.
        to: ExternalPid,
        /// Why it exited.
        reason: Term,
        /// A sequential-trace token.
        token: Option<Term>,
    },
    /// The old unlink (before OTP 26), from a peer without `DFLAG_UNLINK_ID`.
    Unlink {
        /// The process that called `unlink/1`.
        from: ExternalPid,
        /// The process it unlinks from.
        to: ExternalPid,
    },
    /// `NODE_LINK`: obsolete, read and ignored.
    NodeLink,
    /// A message for a registered name: `send({name, node}, message)`.
    RegSend {
        /// The sender.
        from: ExternalPid,
        /// The registered name on the receiving node.
        to: Atom,
        /// The message.
        message: Term,
        /// A sequential-trace token.
        token: Option<Term>,
    },
    /// `group_leader(leader, pid)` across nodes.
    GroupLeader {
        /// The new group leader.
        from: ExternalPid,
        /// The process whose leader changes.
        to: ExternalPid,
    },
    /// `exit(to, reason)` called by `from`: an exit signal not carried by a link.
    Exit2 {
        /// The process that called `exit/2`.
        from: ExternalPid,
        /// The process the signal is for.
        to: ExternalPid,
        /// The reason.
        reason: Term,
        /// A sequential-trace token.
        token: Option<Term>,
    },
    /// `from` monitors `to`.
    MonitorP {
        /// The monitoring process.
        from: ExternalPid,
        /// The monitored process, by pid or registered name.
        to: ProcessRef,
        /// The monitor's reference.
        reference: ExternalRef,
    },
    /// `from` stops monitoring `to`.
    DemonitorP {
        /// The monitoring process.
        from: ExternalPid,
        /// The monitored process, as the monitor named it.
        to: ProcessRef,
        /// The monitor's reference.
        reference: ExternalRef,
    },
    /// A monitored process exited, or did not exist: the `DOWN` for `to`.
    MonitorPExit {
        /// The monitored process, as the monitor named it.
        from: ProcessRef,
        /// The monitoring process.
        to: ExternalPid,
        /// The monitor's reference.
        reference: ExternalRef,
        /// Why: the exit reason, or `noproc`.
        reason: Term,
    },
    /// A message for a process alias (OTP 24+), how `gen_server` replies to a call.
    AliasSend {
        /// The sender.
        from: ExternalPid,
        /// The alias.
        alias: ExternalRef,
        /// The message.
        message: Term,
        /// A sequential-trace token.
        token: Option<Term>,
    },
    /// `from` unlinks from `to` (the link protocol of OTP 23+, mandatory from OTP 26).
    UnlinkId {
        /// The unlink operation's id; the acknowledgement repeats it.
        id: u64,
        /// The process that called `unlink/1`.
        from: ExternalPid,
        /// The process it unlinks from.
        to: ExternalPid,
    },
    /// The acknowledgement of an [`ControlMessage::UnlinkId`], sent back by its `to`.
    UnlinkIdAck {
        /// The id of the unlink acknowledged.
        id: u64,
        /// The process that was unlinked from (the unlink's `to`).
        from: ExternalPid,
        /// The process that unlinked (the unlink's `from`).
        to: ExternalPid,
    },
}

/// Why a frame body is not a control message this node accepts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ControlError {
    /// The control term or its payload is not valid external term format.
    #[error("undecodable term: {0}")]
    Decode(#[from] DecodeError),
    /// The control term is not a tuple starting with an operation number.
    #[error("the control message is not a tuple starting with an operation: {0}")]
    NotAControl(String),
    /// An operation this node does not implement and did not advertise.
    #[error("unsupported operation {0}")]
    UnsupportedOperation(i64),
    /// An operation whose tuple has the wrong size or wrong kinds of elements.
    #[error("malformed {operation}: {found}")]
    Malformed {
        /// The operation's name.
        operation: &'static str,
        /// The control term, printed.
        found: String,
    },
    /// An operation that needs a payload term arrived without one.
    #[error("{0} without its payload term")]
    MissingPayload(&'static str),
    /// Bytes after the last term of the message.
    #[error("{0} bytes after the message")]
    TrailingBytes(usize),
}

const UNUSED: &str = "";

fn op(n: i64) -> Term {
    Term::Int(n)
}

impl ControlMessage {
    /// The body of one pass-through frame for this message: the control term and, for the
    /// operations that have one, the payload term, each starting with the version byte. The
    /// peer's `flags` (the ones both ends agreed on) choose between equivalent forms: a send
    /// with a known sender goes as `SEND_SENDER` only to a peer that reads it, an exit reason
    /// as a payload only to a peer with `DFLAG_EXIT_PAYLOAD`.
    ///
    /// ```
    /// use otp_core::dist::{ControlMessage, Flags};
    /// use otp_core::term::ExternalPid;
    ///
    /// let link = ControlMessage::Link {
    ///     from: ExternalPid::new("a@h", 1, 0, 1),
    ///     to: ExternalPid::new("b@h", 2, 0, 1),
    /// };
    /// let body = link.encode(Flags::ADVERTISED).unwrap();
    /// assert_eq!(&body[..5], &[131, 104, 3, 97, 1], "{{1, From, To}}");
    /// ```
    pub fn encode(&self, flags: Flags) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(128);
        self.encode_into(flags, &mut out)?;
        Ok(out)
    }

    /// [`ControlMessage::encode`], appending to `out` (a frame being built, say).
    ///
    /// ```
    /// use otp_core::dist::{ControlMessage, Flags};
    /// let mut frame = vec![112];
    /// ControlMessage::NodeLink.encode_into(Flags::ADVERTISED, &mut frame).unwrap();
    /// assert_eq!(frame, [112, 131, 104, 1, 97, 5]);
    /// ```
    pub fn encode_into(&self, flags: Flags, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let (control, payload): (Term, Option<&Term>) = match self {
            ControlMessage::Link { from, to } => (
                Term::tuple([op(1), Term::Pid(from.clone()), Term::Pid(to.clone())]),
                None,
            ),
            ControlMessage::Send {
                from,
                to,
                message,
                token,
            } => {
                let sender = from.as_ref().filter(|_| flags.contains(Flags::SEND_SENDER));
                let control = match (sender, token) {
                    (Some(from), None) => {
                        Term::tuple([op(22), Term::Pid(from.clone()), Term::Pid(to.clone())])
                    }
                    (Some(from), Some(token)) => Term::tuple([
                        op(23),
                        Term::Pid(from.clone()),
                        Term::Pid(to.clone()),
                        token.clone(),
                    ]),
                    (None, None) => Term::tuple([op(2), Term::atom(UNUSED), Term::Pid(to.clone())]),
                    (None, Some(token)) => Term::tuple([
                        op(12),
                        Term::atom(UNUSED),
                        Term::Pid(to.clone()),
                        token.clone(),
                    ]),
                };
                (control, Some(message))
            }
            ControlMessage::Exit {
                from,
                to,
                reason,
                token,
            } => exit_control(flags, (3, 13, 24, 25), from, to, reason, token),
            ControlMessage::Exit2 {
                from,
                to,
                reason,
                token,
            } => exit_control(flags, (8, 18, 26, 27), from, to, reason, token),
            ControlMessage::Unlink { from, to } => (
                Term::tuple([op(4), Term::Pid(from.clone()), Term::Pid(to.clone())]),
                None,
            ),
            ControlMessage::NodeLink => (Term::tuple([op(5)]), None),
            ControlMessage::RegSend {
                from,
                to,
                message,
                token,
            } => {
                let mut control = vec![
                    op(if token.is_some() { 16 } else { 6 }),
                    Term::Pid(from.clone()),
                    Term::atom(UNUSED),
                    Term::Atom(to.clone()),
                ];
                control.extend(token.clone());
                (Term::Tuple(control), Some(message))
            }
            ControlMessage::GroupLeader { from, to } => (
                Term::tuple([op(7), Term::Pid(from.clone()), Term::Pid(to.clone())]),
                None,
            ),
            ControlMessage::MonitorP {
                from,
                to,
                reference,
            } => (
                Term::tuple([
                    op(19),
                    Term::Pid(from.clone()),
                    to.clone().into_term(),
                    Term::from(reference.clone()),
                ]),
                None,
            ),
            ControlMessage::DemonitorP {
                from,
                to,
                reference,
            } => (
                Term::tuple([
                    op(20),
                    Term::Pid(from.clone()),
                    to.clone().into_term(),
                    Term::from(reference.clone()),
                ]),
                None,
            ),
            ControlMessage::MonitorPExit {
                from,
                to,
                reference,
                reason,
            } => {
                if flags.contains(Flags::EXIT_PAYLOAD) {
                    (
                        Term::tuple([
                            op(28),
                            from.clone().into_term(),
                            Term::Pid(to.clone()),
                            Term::from(reference.clone()),
                        ]),
                        Some(reason),
                    )
                } else {
                    (
                        Term::tuple([
                            op(21),
                            from.clone().into_term(),
                            Term::Pid(to.clone()),
                            Term::from(reference.clone()),
                            reason.clone(),
                        ]),
                        None,
                    )
                }
            }
            ControlMessage::AliasSend {
                from,
                alias,
                message,
                token,
            } => {
                let mut control = vec![
                    op(if token.is_some() { 34 } else { 33 }),
                    Term::Pid(from.clone()),
                    Term::from(alias.clone()),
                ];
                control.extend(token.clone());
                (Term::Tuple(control), Some(message))
            }
            ControlMessage::UnlinkId { id, from, to } => (
                Term::tuple([
                    op(35),
                    Term::integer(*id),
                    Term::Pid(from.clone()),
                    Term::Pid(to.clone()),
                ]),
                None,
            ),
            ControlMessage::UnlinkIdAck { id, from, to } => (
                Term::tuple([
                    op(36),
                    Term::integer(*id),
                    Term::Pid(from.clone()),
                    Term::Pid(to.clone()),
                ]),
                None,
            ),
        };
        etf::encode_into(&control, out)?;
        if let Some(payload) = payload {
            etf::encode_into(payload, out)?;
        }
        Ok(())
    }

    /// Reads one pass-through frame body (what follows the `112` type byte): a control term
    /// and its payload term, if the operation has one.
    ///
    /// ```
    /// use otp_core::dist::{ControlError, ControlMessage};
    ///
    /// // {5}: NODE_LINK.
    /// assert_eq!(ControlMessage::decode(&[131, 104, 1, 97, 5]).unwrap(), ControlMessage::NodeLink);
    /// // {29, ...}: SPAWN_REQUEST, never advertised.
    /// assert_eq!(
    ///     ControlMessage::decode(&[131, 104, 1, 97, 29]),
    ///     Err(ControlError::UnsupportedOperation(29))
    /// );
    /// assert!(ControlMessage::decode(&[131, 104]).is_err(), "truncated");
    /// ```
    pub fn decode(body: &[u8]) -> Result<ControlMessage, ControlError> {
        let (control, used) = etf::decode_prefix(body)?;
        let rest = &body[used..];
        let Term::Tuple(elements) = control else {
            return Err(ControlError::NotAControl(control.to_string()));
        };
        let Some(operation) = elements.first().and_then(Term::as_i64) else {
            return Err(ControlError::NotAControl(Term::Tuple(elements).to_string()));
        };
        let (name, arity, has_payload) = shape(operation)?;
        if elements.len() != arity {
            return Err(ControlError::Malformed {
                operation: name,
                found: Term::Tuple(elements).to_string(),
            });
        }
        let payload = if has_payload {
            if rest.is_empty() {
                return Err(ControlError::MissingPayload(name));
            }
            Some(etf::decode(rest)?)
        } else if !rest.is_empty() {
            return Err(ControlError::TrailingBytes(rest.len()));
        } else {
            None
        };
        let mut fields = Fields {
            elements: elements[1..].iter(),
        };
        let payload_or_unit = payload.unwrap_or(Term::List(Vec::new()));
        // Each arm takes the tuple's elements in order; `None` from a field means malformed.
        let parsed = (|| -> Option<ControlMessage> {
            Some(match operation {
                1 => ControlMessage::Link {
                    from: fields.pid()?,
                    to: fields.pid()?,
                },
                2 | 12 => {
                    fields.any()?;
                    ControlMessage::Send {
                        from: None,
                        to: fields.pid()?,
                        token: if operation == 12 {
                            Some(fields.any()?)
                        } else {
                            None
                        },
                        message: payload_or_unit,
                    }
                }
                22 | 23 => ControlMessage::Send {
                    from: Some(fields.pid()?),
                    to: fields.pid()?,
                    token: if operation == 23 {
                        Some(fields.any()?)
                    } else {
                        None
                    },
                    message: payload_or_unit,
                },
                3 | 13 | 8 | 18 => {
                    let from = fields.pid()?;
                    let to = fields.pid()?;
                    let token = if operation == 13 || operation == 18 {
                        Some(fields.any()?)
                    } else {
                        None
                    };
                    let reason = fields.any()?;
                    if operation == 3 || operation == 13 {
                        ControlMessage::Exit {
                            from,
                            to,
                            reason,
                            token,
                        }
                    } else {
                        ControlMessage::Exit2 {
                            from,
                            to,
                            reason,
                            token,
                        }
                    }
                }
                24..=27 => {
                    let from = fields.pid()?;
                    let to = fields.pid()?;
                    let token = if operation == 25 || operation == 27 {
                        Some(fields.any()?)
                    } else {
                        None
                    };
                    let reason = payload_or_unit;
                    if operation <= 25 {
                        ControlMessage::Exit {
                            from,
                            to,
                            reason,
                            token,
                        }
                    } else {
                        ControlMessage::Exit2 {
                            from,
                            to,
                            reason,
                            token,
                        }
                    }
                }
                4 => ControlMessage::Unlink {
                    from: fields.pid()?,
                    to: fields.pid()?,
                },
                5 => ControlMessage::NodeLink,
                6 | 16 => {
                    let from = fields.pid()?;
                    fields.any()?;
                    ControlMessage::RegSend {
                        from,
                        to: fields.atom()?,
                        token: if operation == 16 {
                            Some(fields.any()?)
                        } else {
                            None
                        },
                        message: payload_or_unit,
                    }
                }
                7 => ControlMessage::GroupLeader {
                    from: fields.pid()?,
                    to: fields.pid()?,
                },
                19 => ControlMessage::MonitorP {
                    from: fields.pid()?,
                    to: fields.process()?,
                    reference: fields.reference()?,
                },
                20 => ControlMessage::DemonitorP {
                    from: fields.pid()?,
                    to: fields.process()?,
                    reference: fields.reference()?,
                },
                21 | 28 => {
                    let from = fields.process()?;
                    let to = fields.pid()?;
                    let reference = fields.reference()?;
                    let reason = if operation == 21 {
                        fields.any()?
                    } else {
                        payload_or_unit
                    };
                    ControlMessage::MonitorPExit {
                        from,
                        to,
                        reference,
                        reason,
                    }
                }
                33 | 34 => ControlMessage::AliasSend {
                    from: fields.pid()?,
                    alias: fields.reference()?,
                    token: if operation == 34 {
                        Some(fields.any()?)
                    } else {
                        None
                    },
                    message: payload_or_unit,
                },
                35 | 36 => {
                    let id = fields.id()?;
                    let from = fields.pid()?;
                    let to = fields.pid()?;
                    if operation == 35 {
                        ControlMessage::UnlinkId { id, from, to }
                    } else {
                        ControlMessage::UnlinkIdAck { id, from, to }
                    }
                }
                _ => return None,
            })
        })();
        parsed.ok_or_else(|| ControlError::Malformed {
            operation: name,
            found: Term::Tuple(elements).to_string(),
        })
    }
}

/// The control term of an exit signal: the reason inline, or as a payload to a peer with
/// `DFLAG_EXIT_PAYLOAD`; with the trace token when there is one.
fn exit_control<'a>(
    flags: Flags,
    (plain, traced, payload, payload_traced): (i64, i64, i64, i64),
    from: &ExternalPid,
    to: &ExternalPid,
    reason: &'a Term,
    token: &Option<Term>,
) -> (Term, Option<&'a Term>) {
    let as_payload = flags.contains(Flags::EXIT_PAYLOAD);
    let operation = match (as_payload, token.is_some()) {
        (false, false) => plain,
        (false, true) => traced,
        (true, false) => payload,
        (true, true) => payload_traced,
    };
    let mut control = vec![
        op(operation),
        Term::Pid(from.clone()),
        Term::Pid(to.clone()),
    ];
    control.extend(token.clone());
    if as_payload {
        (Term::Tuple(control), Some(reason))
    } else {
        control.push(reason.clone());
        (Term::Tuple(control), None)
    }
}

/// The name, tuple size and whether a payload follows, for each operation this node reads.
fn shape(operation: i64) -> Result<(&'static str, usize, bool), ControlError> {
    Ok(match operation {
        1 => ("LINK", 3, false),
        2 => ("SEND", 3, true),
        3 => ("EXIT", 4, false),
        4 => ("UNLINK", 3, false),
        5 => ("NODE_LINK", 1, false),
        6 => ("REG_SEND", 4, true),
        7 => ("GROUP_LEADER", 3, false),
        8 => ("EXIT2", 4, false),
        12 => ("SEND_TT", 4, true),
        13 => ("EXIT_TT", 5, false),
        16 => ("REG_SEND_TT", 5, true),
        18 => ("EXIT2_TT", 5, false),
        19 => ("MONITOR_P", 4, false),
        20 => ("DEMONITOR_P", 4, false),
        21 => ("MONITOR_P_EXIT", 5, false),
        22 => ("SEND_SENDER", 3, true),
        23 => ("SEND_SENDER_TT", 4, true),
        24 => ("PAYLOAD_EXIT", 3, true),
        25 => ("PAYLOAD_EXIT_TT", 4, true),
        26 => ("PAYLOAD_EXIT2", 3, true),
        27 => ("PAYLOAD_EXIT2_TT", 4, true),
        28 => ("PAYLOAD_MONITOR_P_EXIT", 4, true),
        33 => ("ALIAS_SEND", 3, true),
        34 => ("ALIAS_SEND_TT", 4, true),
        35 => ("UNLINK_ID", 4, false),
        36 => ("UNLINK_ID_ACK", 4, false),
        other => return Err(ControlError::UnsupportedOperation(other)),
    })
}

/// The elements of a control tuple after the operation, taken in order.
struct Fields<'a> {
    elements: std::slice::Iter<'a, Term>,
}

impl Fields<'_> {
    fn any(&mut self) -> Option<Term> {
        self.elements.next().cloned()
    }

    fn pid(&mut self) -> Option<ExternalPid> {
        match self.elements.next()? {
            Term::Pid(pid) => Some(pid.clone()),
            _ => None,
        }
    }

    fn atom(&mut self) -> Option<Atom> {
        match self.elements.next()? {
            Term::Atom(atom) => Some(atom.clone()),
            _ => None,
        }
    }

    fn reference(&mut self) -> Option<ExternalRef> {
        match self.elements.next()? {
            Term::Reference(reference) => Some((**reference).clone()),
            _ => None,
        }
    }

    fn process(&mut self) -> Option<ProcessRef> {
        match self.elements.next()? {
            Term::Pid(pid) => Some(ProcessRef::Pid(pid.clone())),
            Term::Atom(name) => Some(ProcessRef::Name(name.clone())),
            _ => None,
        }
    }

    fn id(&mut self) -> Option<u64> {
        match self.elements.next()? {
            Term::Int(n) => u64::try_from(*n).ok(),
            Term::BigInt(n) => n.to_u64(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(id: u32) -> ExternalPid {
        ExternalPid::new("a@127.0.0.1", id, 0, 7)
    }

    fn reference() -> ExternalRef {
        ExternalRef::new("a@127.0.0.1", 7, vec![1, 2, 3])
    }

    fn every_message() -> Vec<ControlMessage> {
        let token = Some(Term::tuple([Term::Int(1), Term::atom("label")]));
        let mut all = vec![
            ControlMessage::Link {
                from: pid(1),
                to: pid(2),
            },
            ControlMessage::Unlink {
                from: pid(1),
                to: pid(2),
            },
            ControlMessage::NodeLink,
            ControlMessage::GroupLeader {
                from: pid(1),
                to: pid(2),
            },
            ControlMessage::MonitorP {
                from: pid(1),
                to: ProcessRef::Name("inbox".into()),
                reference: reference(),
            },
            ControlMessage::MonitorP {
                from: pid(1),
                to: ProcessRef::Pid(pid(2)),
                reference: reference(),
            },
            ControlMessage::DemonitorP {
                from: pid(1),
                to: ProcessRef::Pid(pid(2)),
                reference: reference(),
            },
            ControlMessage::MonitorPExit {
                from: ProcessRef::Name("nobody".into()),
                to: pid(1),
                reference: reference(),
                reason: Term::atom("noproc"),
            },
            ControlMessage::UnlinkId {
                id: 1 << 40,
                from: pid(1),
                to: pid(2),
            },
            ControlMessage::UnlinkIdAck {
                id: 3,
                from: pid(2),
                to: pid(1),
            },
        ];
        for token in [None, token] {
            all.extend([
                ControlMessage::Send {
                    from: Some(pid(1)),
                    to: pid(2),
                    message: Term::from("hi"),
                    token: token.clone(),
                },
                ControlMessage::RegSend {
                    from: pid(1),
                    to: "inbox".into(),
                    message: Term::Int(1),
                    token: token.clone(),
                },
                ControlMessage::Exit {
                    from: pid(1),
                    to: pid(2),
                    reason: Term::atom("boom"),
                    token: token.clone(),
                },
                ControlMessage::Exit2 {
                    from: pid(1),
                    to: pid(2),
                    reason: Term::atom("kill"),
                    token: token.clone(),
                },
                ControlMessage::AliasSend {
                    from: pid(1),
                    alias: reference(),
                    message: Term::list([]),
                    token: token.clone(),
                },
            ]);
        }
        all
    }

    #[test]
    fn every_message_round_trips_with_and_without_payload_flags() {
        let without = Flags::from_bits(Flags::ADVERTISED.bits() & !Flags::EXIT_PAYLOAD.bits());
        for flags in [Flags::ADVERTISED, without] {
            for message in every_message() {
                let body = message.encode(flags).unwrap();
                assert_eq!(
                    ControlMessage::decode(&body).as_ref(),
                    Ok(&message),
                    "{flags:?}"
                );
            }
        }
    }

    #[test]
    fn plain_send_without_send_sender() {
        let message = ControlMessage::Send {
            from: Some(pid(1)),
            to: pid(2),
            message: Term::Int(5),
            token: None,
        };
        let flags = Flags::from_bits(Flags::ADVERTISED.bits() & !Flags::SEND_SENDER.bits());
        let body = message.encode(flags).unwrap();
        assert_eq!(&body[..5], &[131, 104, 3, 97, 2], "{{2, '', To}}");
        let ControlMessage::Send { from, .. } = ControlMessage::decode(&body).unwrap() else {
            panic!("a send");
        };
        assert_eq!(from, None, "a plain SEND does not name its sender");
    }

    #[test]
    fn malformed_messages_are_typed_errors() {
        let encode = |t: Term| etf::encode(&t).unwrap();
        // Not a tuple, no operation, wrong arity, wrong element kind.
        assert!(matches!(
            ControlMessage::decode(&encode(Term::atom("x"))),
            Err(ControlError::NotAControl(_))
        ));
        assert!(matches!(
            ControlMessage::decode(&encode(Term::tuple([Term::atom("x")]))),
            Err(ControlError::NotAControl(_))
        ));
        assert!(matches!(
            ControlMessage::decode(&encode(Term::tuple([Term::Int(1), Term::Pid(pid(1))]))),
            Err(ControlError::Malformed {
                operation: "LINK",
                ..
            })
        ));
        assert!(matches!(
            ControlMessage::decode(&encode(Term::tuple([
                Term::Int(1),
                Term::Pid(pid(1)),
                Term::atom("not_a_pid")
            ]))),
            Err(ControlError::Malformed {
                operation: "LINK",
                ..
            })
        ));
        // A send without its message, a link with something after it.
        let send = encode(Term::tuple([
            Term::Int(22),
            Term::Pid(pid(1)),
            Term::Pid(pid(2)),
        ]));
        assert_eq!(
            ControlMessage::decode(&send),
            Err(ControlError::MissingPayload("SEND_SENDER"))
        );
        let mut link = encode(Term::tuple([
            Term::Int(1),
            Term::Pid(pid(1)),
            Term::Pid(pid(2)),
        ]));
        link.push(0);
        assert_eq!(
            ControlMessage::decode(&link),
            Err(ControlError::TrailingBytes(1))
        );
        // A negative unlink id.
        let unlink = encode(Term::tuple([
            Term::Int(35),
            Term::Int(-1),
            Term::Pid(pid(1)),
            Term::Pid(pid(2)),
        ]));
        assert!(matches!(
            ControlMessage::decode(&unlink),
            Err(ControlError::Malformed {
                operation: "UNLINK_ID",
                ..
            })
        ));
    }

    #[test]
    fn every_truncation_of_every_message_is_an_error() {
        for message in every_message() {
            let body = message.encode(Flags::ADVERTISED).unwrap();
            for cut in 0..body.len() {
                assert!(
                    ControlMessage::decode(&body[..cut]).is_err(),
                    "{message:?} cut at {cut}"
                );
            }
        }
    }
}
