//! GenServers across nodes (the `dist` feature): a server that opts in
//! ([`GenServer::remote`]) reads the calls, casts and messages other nodes send it as terms,
//! and this node's calls, casts and messages reach servers of other nodes, Erlang's or Rust's,
//! in the terms OTP's `gen_server` uses:
//!
//! | what                    | on the wire                                              |
//! |-------------------------|----------------------------------------------------------|
//! | a call                  | `{:"$gen_call", {caller, tag}, request}`, the reply `{tag, reply}` |
//! | a cast                  | `{:"$gen_cast", request}`                                |
//! | any other message       | the message itself, for `handle_info`                    |
//!
//! Uses the behaviour (the codec), the caller, the handle (the mailbox messages), the
//! destinations, the errors, and the distribution runtime.

use std::any::type_name;

use crate::dist::{CallFailure, Callee, Distribution, call_term};
use crate::name::Name;
use crate::node::Node;
use crate::process::{self, Timeout};
use crate::term::{Term, TermError};

use super::behaviour::GenServer;
use super::caller::RemoteFrom;
use super::dest::RemoteDest;
use super::error::CallError;
use super::handle::GenMsg;

/// How a server that opts in to remote messages reads a term sent to it (the sink of its
/// mailbox): `$gen_call`, `$gen_cast`, anything else for `handle_info`.
pub(super) fn read_message<S: GenServer>(
    node: &Node,
    id: u64,
    term: Term,
) -> Result<GenMsg<S>, TermError> {
    let Some(codec) = S::remote() else {
        return Err(TermError::new("no message from another node", &term));
    };
    match term {
        Term::Tuple(mut items) if items.len() == 3 && items[0].is_atom("$gen_call") => {
            let (Some(request), Some(from)) = (items.pop(), items.pop()) else {
                unreachable!("three elements, checked above")
            };
            let (caller, tag) = match from {
                Term::Tuple(mut pair) if pair.len() == 2 => match (pair.pop(), pair.pop()) {
                    (Some(tag), Some(Term::Pid(caller))) => (caller, tag),
                    (tag, caller) => {
                        let from = Term::tuple(caller.into_iter().chain(tag));
                        return Err(TermError::new("{caller_pid, tag}", &from));
                    }
                },
                other => return Err(TermError::new("{caller_pid, tag}", &other)),
            };
            match (codec.call_from)(request) {
                Ok(request) => Ok(GenMsg::RemoteCall(
                    request,
                    Box::new(RemoteFrom { caller, tag }),
                )),
                Err(error) => {
                    // The caller must not wait for a reply that will never come.
                    if let Some(dist) = Distribution::of(node) {
                        let answer = Term::tuple([
                            Term::atom("error"),
                            Term::tuple([Term::atom("bad_request"), Term::from(error.to_string())]),
                        ]);
                        let server = dist.external_id(id);
                        dist.reply(&caller, tag, answer, server);
                    }
                    Err(error)
                }
            }
        }
        Term::Tuple(mut items) if items.len() == 2 && items[0].is_atom("$gen_cast") => {
            let request = items.pop().unwrap_or_else(|| Term::List(Vec::new()));
            (codec.cast_from)(request).map(GenMsg::Cast)
        }
        Term::Tuple(items) if items.len() == 3 && items[0].is_atom("system") => Err(
            TermError::new("a message other than a :sys request", &Term::Tuple(items)),
        ),
        other => (codec.info_from)(other).map(GenMsg::Info),
    }
}

/// The node a call or cast from the current process leaves from: the calling process's, or
/// for a pid, the node that holds it.
fn local_node(to: &RemoteDest) -> Node {
    match to {
        RemoteDest::Pid(pid) => pid.node(),
        RemoteDest::Name(..) => process::current_node(),
    }
}

fn callee(to: RemoteDest) -> Callee {
    match to {
        RemoteDest::Pid(pid) => Callee::Pid(pid),
        RemoteDest::Name(name, node) => Callee::Name(name, node),
    }
}

/// A call to a server of another node.
pub(super) async fn call<S: GenServer>(
    to: RemoteDest,
    msg: S::Call,
    timeout: Timeout,
) -> Result<S::Reply, CallError> {
    let Some(codec) = S::remote() else {
        return Err(CallError::NotRemote(type_name::<S>()));
    };
    let node = local_node(&to);
    let target_node = match &to {
        RemoteDest::Pid(pid) => pid.node_name(),
        RemoteDest::Name(_, node) => node.clone(),
    };
    let reply = call_term(&node, callee(to), (codec.call_into)(msg), timeout)
        .await
        .map_err(|failure| match failure {
            CallFailure::NoProc => CallError::NoProc,
            CallFailure::Exit(reason) => CallError::Exit(reason),
            CallFailure::NodeDown(node) => CallError::NodeDown(node),
            CallFailure::Timeout => CallError::Timeout,
            CallFailure::NotDistributed => CallError::NodeDown(target_node),
        })?;
    (codec.reply_from)(reply).map_err(CallError::BadReply)
}

/// A cast, or a plain message, for a server of another node. Dropped (and logged) when the
/// server's type does not opt in; dropped when the node cannot be reached, as in OTP.
pub(super) fn deliver<S: GenServer>(to: RemoteDest, msg: GenMsg<S>) {
    let Some(codec) = S::remote() else {
        tracing::warn!(
            target: "otp::gen_server",
            "{} does not opt in to messages between nodes (GenServer::remote): dropped a message for {to:?}",
            type_name::<S>()
        );
        return;
    };
    let term = match msg {
        GenMsg::Cast(cast) => Term::tuple([Term::atom("$gen_cast"), (codec.cast_into)(cast)]),
        GenMsg::Info(info) => (codec.info_into)(info),
        // Only casts and messages come this way.
        _ => return,
    };
    match to {
        RemoteDest::Pid(pid) => process::send_term(&pid, term),
        RemoteDest::Name(name, node) => {
            let _ = process::send_named(&Name::Remote(name, node), term);
        }
    }
}
