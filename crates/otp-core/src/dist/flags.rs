//! Distribution capability flags.

use std::fmt;
use std::ops::{BitAnd, BitOr};

/// The capability flags two nodes exchange in the handshake (`DFLAG_*` in OTP's
/// documentation). A node advertises what it implements; what a peer sends depends on it, so
/// this node advertises exactly [`Flags::ADVERTISED`] and nothing it cannot read.
///
/// ```
/// use otp_core::dist::Flags;
///
/// assert!(Flags::ADVERTISED.contains(Flags::HANDSHAKE_23));
/// assert!(!Flags::ADVERTISED.contains(Flags::PUBLISHED), "a hidden node");
/// assert!(!Flags::ADVERTISED.contains(Flags::FRAGMENTS), "no fragments to reassemble");
/// let agreed = Flags::ADVERTISED & Flags::from_bits(Flags::HANDSHAKE_23.bits());
/// assert_eq!(agreed, Flags::HANDSHAKE_23);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u64);

impl Flags {
    /// The node is published: a normal (not hidden) node, part of the global name space.
    pub const PUBLISHED: Flags = Flags(0x01);
    /// The atom cache of old releases.
    pub const ATOM_CACHE: Flags = Flags(0x02);
    /// References of three 32-bit words (mandatory).
    pub const EXTENDED_REFERENCES: Flags = Flags(0x04);
    /// Process monitors across nodes.
    pub const DIST_MONITOR: Flags = Flags(0x08);
    /// Funs have their own tags (mandatory since OTP 25).
    pub const FUN_TAGS: Flags = Flags(0x10);
    /// Monitors of registered names across nodes.
    pub const DIST_MONITOR_NAME: Flags = Flags(0x20);
    /// The atom cache of old hidden nodes.
    pub const HIDDEN_ATOM_CACHE: Flags = Flags(0x40);
    /// `NEW_FUN_EXT` (mandatory).
    pub const NEW_FUN_TAGS: Flags = Flags(0x80);
    /// Extended pids and ports (mandatory).
    pub const EXTENDED_PIDS_PORTS: Flags = Flags(0x100);
    /// `EXPORT_EXT` (mandatory since OTP 25).
    pub const EXPORT_PTR_TAG: Flags = Flags(0x200);
    /// Bitstrings (mandatory since OTP 25).
    pub const BIT_BINARIES: Flags = Flags(0x400);
    /// `NEW_FLOAT_EXT` (mandatory since OTP 25).
    pub const NEW_FLOATS: Flags = Flags(0x800);
    /// Unicode in I/O requests.
    pub const UNICODE_IO: Flags = Flags(0x1000);
    /// The atom cache in distribution headers.
    pub const DIST_HDR_ATOM_CACHE: Flags = Flags(0x2000);
    /// `SMALL_ATOM_EXT`.
    pub const SMALL_ATOM_TAGS: Flags = Flags(0x4000);
    /// UTF-8 atoms (mandatory).
    pub const UTF8_ATOMS: Flags = Flags(0x10000);
    /// Maps (mandatory since OTP 25).
    pub const MAP_TAGS: Flags = Flags(0x20000);
    /// 32-bit creations: `NEW_PID_EXT`, `NEW_PORT_EXT`, `NEWER_REFERENCE_EXT` (mandatory).
    pub const BIG_CREATION: Flags = Flags(0x40000);
    /// `SEND_SENDER`: a send names its sender.
    pub const SEND_SENDER: Flags = Flags(0x80000);
    /// Any term as a sequential-trace label.
    pub const BIG_SEQTRACE_LABELS: Flags = Flags(0x100000);
    /// Exit reasons travel as payload terms (`PAYLOAD_EXIT` and friends).
    pub const EXIT_PAYLOAD: Flags = Flags(0x400000);
    /// Large messages in fragments.
    pub const FRAGMENTS: Flags = Flags(0x800000);
    /// The handshake of OTP 23 (protocol version 6).
    pub const HANDSHAKE_23: Flags = Flags(0x1000000);
    /// The link protocol with `UNLINK_ID` (mandatory from OTP 26).
    pub const UNLINK_ID: Flags = Flags(0x2000000);
    /// Spawning processes on the peer (`SPAWN_REQUEST`).
    pub const SPAWN: Flags = Flags(1 << 32);
    /// A dynamic node name, chosen by the peer.
    pub const NAME_ME: Flags = Flags(1 << 33);
    /// Pids, ports and references of node-container version 4 (mandatory from OTP 26).
    pub const V4_NC: Flags = Flags(1 << 34);
    /// Process aliases: `ALIAS_SEND`.
    pub const ALIAS: Flags = Flags(1 << 35);
    /// Everything OTP 25 makes mandatory.
    pub const MANDATORY_25_DIGEST: Flags = Flags(1 << 36);

    /// What this node advertises: everything OTP 25 and 26 require, monitors of pids and
    /// names, `SEND_SENDER`, exit payloads, the new link protocol and aliases. Not advertised,
    /// so never sent by a peer: `PUBLISHED` (this is a hidden node), the atom caches,
    /// fragments, spawn requests and dynamic names.
    pub const ADVERTISED: Flags = Flags(
        Flags::EXTENDED_REFERENCES.0
            | Flags::DIST_MONITOR.0
            | Flags::FUN_TAGS.0
            | Flags::DIST_MONITOR_NAME.0
            | Flags::NEW_FUN_TAGS.0
            | Flags::EXTENDED_PIDS_PORTS.0
            | Flags::EXPORT_PTR_TAG.0
            | Flags::BIT_BINARIES.0
            | Flags::NEW_FLOATS.0
            | Flags::UTF8_ATOMS.0
            | Flags::MAP_TAGS.0
            | Flags::BIG_CREATION.0
            | Flags::SEND_SENDER.0
            | Flags::EXIT_PAYLOAD.0
            | Flags::HANDSHAKE_23.0
            | Flags::UNLINK_ID.0
            | Flags::V4_NC.0
            | Flags::ALIAS.0
            | Flags::MANDATORY_25_DIGEST.0,
    );

    /// What a peer must advertise for this node to talk to it: the flags OTP 26 makes
    /// mandatory. A peer without them is refused during the handshake.
    pub const REQUIRED: Flags = Flags(
        Flags::EXTENDED_REFERENCES.0
            | Flags::FUN_TAGS.0
            | Flags::NEW_FUN_TAGS.0
            | Flags::EXTENDED_PIDS_PORTS.0
            | Flags::EXPORT_PTR_TAG.0
            | Flags::BIT_BINARIES.0
            | Flags::NEW_FLOATS.0
            | Flags::UTF8_ATOMS.0
            | Flags::MAP_TAGS.0
            | Flags::BIG_CREATION.0
            | Flags::HANDSHAKE_23.0,
    );

    /// Flags from their bits, unknown bits kept.
    pub const fn from_bits(bits: u64) -> Flags {
        Flags(bits)
    }

    /// The bits.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// `true` when every flag of `other` is set here.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for Flags {
    type Output = Flags;

    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl BitAnd for Flags {
    type Output = Flags;

    fn bitand(self, rhs: Flags) -> Flags {
        Flags(self.0 & rhs.0)
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({:#x})", self.0)
    }
}
