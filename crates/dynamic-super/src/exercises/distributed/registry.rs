//! `SuperDuper.NodeRegistry`: a via registry that knows which node runs each character, and
//! leaves finding the process to that node.
//!
//! Every node of the cluster runs an owner, registered there as `SuperDuper.NodeRegistry`.
//! The owners keep one directory each, character name to node, and tell each other what
//! changes: a character registered here (`{:running, name, node}`), a character gone from here
//! (`{:stopped, name, node}`). A node that joins asks one owner for its characters and tells it
//! its own. Lookups are then local:
//!
//! - a character of this node is found in this node's name table (it is registered there
//!   under its own name, as in chapter 3), so [`Via::whereis_name`] answers its pid;
//! - a character of another node is `{name, node}` ([`Via::whereis_remote`]): calls, casts and
//!   messages through the via name go to that node, which looks the name up in its own table.
//!   A restart there changes nothing here.
//!
//! A node that goes down takes its characters out of the directory (its owner is told by a
//! node monitor).

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use otp_core::dist;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Info, Init, Options, RemoteCodec,
    StartError,
};
use otp_core::term::{FromTerm, IntoTerm, Term, TermError};
use otp_core::{Atom, Name, Node, Pid, ServerRef, Via, process};

/// The owner's registered name, on every node.
pub const REGISTRY: &str = "SuperDuper.NodeRegistry";

/// Character name to the node that runs it.
type Directory = Arc<Mutex<HashMap<Atom, Atom>>>;

// ANCHOR: registry
/// A handle on this node's registry: cheap to clone, usable from any process of the node.
#[derive(Clone)]
pub struct NodeRegistry {
    directory: Directory,
    owner: ServerRef<Owner>,
    node: Node,
}

impl Via for NodeRegistry {
    type Key = Atom;

    /// A character starting on this node takes its name here, in the node's own table, unless
    /// another node runs a character of that name.
    fn register_name(&self, name: &Atom, pid: &Pid) -> bool {
        teaching::solution! {
            let here = self.node.name();
            if lock(&self.directory).get(name).is_some_and(|node| *node != here) {
                return false;
            }
            if process::register(name.clone(), pid.clone()).is_err() {
                return false;
            }
            lock(&self.directory).insert(name.clone(), here);
            gen_server::cast(&self.owner, OwnerCast::Watch(name.clone(), pid.clone()));
            true
        }
    }

    fn unregister_name(&self, name: &Atom) {
        teaching::solution! {
            let here = self.node.name();
            let mut directory = lock(&self.directory);
            if directory.get(name) == Some(&here) {
                directory.remove(name);
            }
        }
    }

    /// The pid of a character of this node; `None` for one of another node.
    fn whereis_name(&self, name: &Atom) -> Option<Pid> {
        teaching::solution! {
            let here = self.node.name();
            if lock(&self.directory).get(name) != Some(&here) {
                return None;
            }
            self.node.whereis(name.clone()).filter(Pid::is_alive)
        }
    }

    /// `{name, node}` for a character of another node: it is looked up there.
    fn whereis_remote(&self, name: &Atom) -> Option<(Atom, Atom)> {
        teaching::solution! {
            let here = self.node.name();
            match lock(&self.directory).get(name) {
                Some(node) if *node != here => Some((name.clone(), node.clone())),
                _ => None,
            }
        }
    }

    /// `{:via, SuperDuper.NodeRegistry, :superman}`.
    fn describe(&self, name: &Atom) -> String {
        format!("{{:via, {REGISTRY}, {name:?}}}")
    }
}
// ANCHOR_END: registry

impl NodeRegistry {
    /// Starts this node's owner, linked to the caller and registered as
    /// `SuperDuper.NodeRegistry`.
    ///
    /// # Panics
    /// Outside a process.
    pub async fn start_link() -> Result<ServerRef<Owner>, StartError> {
        teaching::solution! {
            gen_server::start_link::<Owner>((), Options::new().name(REGISTRY)).await
        }
    }

    /// This node's registry (its owner runs as `SuperDuper.NodeRegistry`).
    ///
    /// # Panics
    /// Outside a process.
    pub async fn named() -> Result<NodeRegistry, CallError> {
        teaching::solution! {
            let owner = gen_server::whereis::<Owner>(REGISTRY).map_err(|_| CallError::NoProc)?;
            gen_server::inspect(&owner, Owner::handle).await
        }
    }

    /// The via name of the character called `name`: `{:via, SuperDuper.NodeRegistry, name}`.
    pub fn name(&self, name: impl Into<Atom>) -> Name {
        Name::via(self.clone(), name.into())
    }

    /// Joins the cluster through `node`: learns the characters it runs, and tells it ours.
    /// Returns the names learned.
    pub async fn join(&self, node: impl Into<Atom>) -> Result<Vec<Atom>, CallError> {
        teaching::solution! {
            let node = node.into();
            let here = self.node.name();
            let theirs = (Atom::from(REGISTRY), node.clone());
            let names = match gen_server::call::<Owner>(theirs, OwnerCall::Join(here)).await? {
                OwnerReply::Names(names) => names,
                other => {
                    let found = other.into_term();
                    return Err(CallError::BadReply(TermError::new("a list of names", &found)));
                }
            };
            {
                let mut directory = lock(&self.directory);
                for name in &names {
                    directory.insert(name.clone(), node.clone());
                }
            }
            gen_server::cast(&self.owner, OwnerCast::Joined(node));
            Ok(names)
        }
    }

    /// Which node runs which character, sorted by name.
    pub fn directory(&self) -> Vec<(Atom, Atom)> {
        teaching::solution! {
            let mut all: Vec<(Atom, Atom)> = lock(&self.directory)
                .iter()
                .map(|(name, node)| (name.clone(), node.clone()))
                .collect();
            all.sort();
            all
        }
    }

    /// The pid of the character called `name`, asked of the node that runs it: a pid of this
    /// node, or of another one.
    pub async fn whereis(&self, name: impl Into<Atom>) -> Option<Pid> {
        teaching::solution! {
            let name = name.into();
            let node = lock(&self.directory).get(&name).cloned()?;
            let owner = (Atom::from(REGISTRY), node);
            match gen_server::call::<Owner>(owner, OwnerCall::Whereis(name)).await {
                Ok(OwnerReply::Pid(pid)) => pid,
                _ => None,
            }
        }
    }
}

/// The directory, even if a process panicked while holding the lock: every update leaves it
/// whole.
fn lock(directory: &Directory) -> MutexGuard<'_, HashMap<Atom, Atom>> {
    directory.lock().unwrap_or_else(|e| e.into_inner())
}

// ANCHOR: owner
/// The process that keeps this node's directory in step with the other nodes'.
pub struct Owner {
    directory: Directory,
    /// The characters of this node it watches, by pid.
    watched: HashMap<Pid, Atom>,
    /// The nodes that share the directory.
    peers: Vec<Atom>,
}

/// What an owner is asked, by another node's owner or registry.
#[derive(Debug)]
pub enum OwnerCall {
    /// `{:join, node}`: `node` joins; answered with the characters running here.
    Join(Atom),
    /// `{:whereis, name}`: the pid of a character running here.
    Whereis(Atom),
}

/// What an owner answers.
#[derive(Debug, PartialEq)]
pub enum OwnerReply {
    /// The names of the characters running here: a list of atoms.
    Names(Vec<Atom>),
    /// A character's pid, or `nil`.
    Pid(Option<Pid>),
}

/// What an owner is told.
#[derive(Debug)]
pub enum OwnerCast {
    /// `{:watch, name, pid}`, from this node's registry: a character registered here.
    Watch(Atom, Pid),
    /// `{:joined, node}`, from this node's registry: tell `node` our characters from now on.
    Joined(Atom),
    /// `{:running, name, node}`: `node` runs the character `name`.
    Running(Atom, Atom),
    /// `{:stopped, name, node}`: `node` no longer runs it.
    Stopped(Atom, Atom),
}

impl GenServer for Owner {
    type Arg = ();
    type Call = OwnerCall;
    type Reply = OwnerReply;
    type Cast = OwnerCast;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init((): ()) -> Init<Self> {
        teaching::solution! {
            Init::Ok(Owner {
                directory: Directory::default(),
                watched: HashMap::new(),
                peers: Vec::new(),
            })
        }
    }

    async fn handle_call(
        &mut self,
        call: OwnerCall,
        _from: &Caller<OwnerReply>,
    ) -> CallResult<Self> {
        teaching::solution! {
            match call {
                OwnerCall::Join(node) => {
                    self.add_peer(node);
                    CallResult::Reply(OwnerReply::Names(self.running_here()))
                }
                OwnerCall::Whereis(name) => {
                    CallResult::Reply(OwnerReply::Pid(process::whereis(&Name::Local(name))))
                }
            }
        }
    }

    async fn handle_cast(&mut self, cast: OwnerCast) -> CastResult<Self> {
        teaching::solution! {
            let here = process::current_node().name();
            match cast {
                OwnerCast::Watch(name, pid) => {
                    process::monitor(&pid);
                    self.watched.insert(pid, name.clone());
                    self.tell_peers(|| OwnerCast::Running(name.clone(), here.clone()));
                }
                OwnerCast::Joined(node) => {
                    self.add_peer(node.clone());
                    for name in self.running_here() {
                        let owner = (Atom::from(REGISTRY), node.clone());
                        gen_server::cast::<Owner>(owner, OwnerCast::Running(name, here.clone()));
                    }
                }
                OwnerCast::Running(name, node) => {
                    lock(&self.directory).insert(name, node);
                }
                OwnerCast::Stopped(name, node) => {
                    let mut directory = lock(&self.directory);
                    if directory.get(&name) == Some(&node) {
                        directory.remove(&name);
                    }
                }
            }
            CastResult::NoReply
        }
    }

    async fn handle_info(&mut self, msg: Info<Infallible>) -> CastResult<Self> {
        teaching::solution! {
            match msg {
                Info::Down(down) => {
                    let Some(name) = self.watched.remove(&down.pid) else {
                        return CastResult::NoReply;
                    };
                    // Restarted by its supervisor, it holds the name again already.
                    if process::whereis(&Name::Local(name.clone())).is_some() {
                        return CastResult::NoReply;
                    }
                    let here = process::current_node().name();
                    {
                        let mut directory = lock(&self.directory);
                        if directory.get(&name) == Some(&here) {
                            directory.remove(&name);
                        }
                    }
                    self.tell_peers(|| OwnerCast::Stopped(name.clone(), here.clone()));
                }
                Info::NodeDown(node) => {
                    self.peers.retain(|peer| *peer != node);
                    lock(&self.directory).retain(|_, at| *at != node);
                }
                _ => {}
            }
            CastResult::NoReply
        }
    }

    fn module() -> &'static str {
        REGISTRY
    }

    fn remote() -> Option<RemoteCodec<Self>> {
        teaching::solution! {
            Some(RemoteCodec::new())
        }
    }
}
// ANCHOR_END: owner

impl Owner {
    /// A handle on the registry this owner keeps (run inside the owner by
    /// [`NodeRegistry::named`]).
    fn handle(&self) -> NodeRegistry {
        NodeRegistry {
            directory: self.directory.clone(),
            owner: gen_server::self_ref::<Owner>(),
            node: process::current_node(),
        }
    }

    fn add_peer(&mut self, node: Atom) {
        if !self.peers.contains(&node) {
            dist::monitor_node(node.clone(), true);
            self.peers.push(node);
        }
    }

    /// The characters registered on this node, sorted.
    fn running_here(&self) -> Vec<Atom> {
        let here = process::current_node().name();
        let mut names: Vec<Atom> = lock(&self.directory)
            .iter()
            .filter(|(_, node)| **node == here)
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        names
    }

    fn tell_peers(&self, cast: impl Fn() -> OwnerCast) {
        for peer in &self.peers {
            gen_server::cast::<Owner>((Atom::from(REGISTRY), peer.clone()), cast());
        }
    }
}

impl fmt::Debug for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut directory: Vec<(Atom, Atom)> = lock(&self.directory)
            .iter()
            .map(|(name, node)| (name.clone(), node.clone()))
            .collect();
        directory.sort();
        write!(f, "%{{directory: {directory:?}, peers: {:?}}}", self.peers)
    }
}

// The owners' messages as terms: what one node's owner sends another.

impl IntoTerm for OwnerCall {
    fn into_term(self) -> Term {
        match self {
            OwnerCall::Join(node) => (Atom::from("join"), node).into_term(),
            OwnerCall::Whereis(name) => (Atom::from("whereis"), name).into_term(),
        }
    }
}

impl FromTerm for OwnerCall {
    fn from_term(term: Term) -> Result<Self, TermError> {
        let (tag, atom): (Atom, Atom) = FromTerm::from_term(term.clone())
            .map_err(|_| TermError::new("{:join, node} or {:whereis, name}", &term))?;
        match tag.as_str() {
            "join" => Ok(OwnerCall::Join(atom)),
            "whereis" => Ok(OwnerCall::Whereis(atom)),
            _ => Err(TermError::new("{:join, node} or {:whereis, name}", &term)),
        }
    }
}

impl IntoTerm for OwnerReply {
    fn into_term(self) -> Term {
        match self {
            OwnerReply::Names(names) => names.into_term(),
            OwnerReply::Pid(pid) => pid.into_term(),
        }
    }
}

impl FromTerm for OwnerReply {
    fn from_term(term: Term) -> Result<Self, TermError> {
        if term.as_list().is_some() {
            return Vec::<Atom>::from_term(term).map(OwnerReply::Names);
        }
        Option::<Pid>::from_term(term).map(OwnerReply::Pid)
    }
}

impl IntoTerm for OwnerCast {
    fn into_term(self) -> Term {
        match self {
            OwnerCast::Watch(name, pid) => (Atom::from("watch"), name, pid).into_term(),
            OwnerCast::Joined(node) => (Atom::from("joined"), node).into_term(),
            OwnerCast::Running(name, node) => (Atom::from("running"), name, node).into_term(),
            OwnerCast::Stopped(name, node) => (Atom::from("stopped"), name, node).into_term(),
        }
    }
}

impl FromTerm for OwnerCast {
    fn from_term(term: Term) -> Result<Self, TermError> {
        const EXPECTED: &str = "{:running, name, node}, {:stopped, name, node}, {:joined, node} \
                                or {:watch, name, pid}";
        match term.as_tuple() {
            Some([tag, _]) if tag.is_atom("joined") => {
                let (_, node): (Atom, Atom) = FromTerm::from_term(term)?;
                Ok(OwnerCast::Joined(node))
            }
            Some([tag, _, _]) if tag.is_atom("watch") => {
                let (_, name, pid): (Atom, Atom, Pid) = FromTerm::from_term(term)?;
                Ok(OwnerCast::Watch(name, pid))
            }
            Some([tag, _, _]) if tag.is_atom("running") || tag.is_atom("stopped") => {
                let (tag, name, node): (Atom, Atom, Atom) = FromTerm::from_term(term)?;
                Ok(if tag == "running" {
                    OwnerCast::Running(name, node)
                } else {
                    OwnerCast::Stopped(name, node)
                })
            }
            _ => Err(TermError::new(EXPECTED, &term)),
        }
    }
}
