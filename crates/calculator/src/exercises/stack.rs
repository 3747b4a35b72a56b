//! # Your turn: a stack server
//!
//! Build a stack in the chapter's layers: a pure [`Stack`] core (push, pop, the items
//! top first), a GenServer [`Server`] that keeps one, and an API: [`start_link`], [`push`],
//! [`pop`] (which answers `None` on an empty stack, as Elixir's `pop` answers `nil`) and
//! [`state`].
//!
//! **What you change:** the bodies wrapped in `teaching::solution!` below: the three core
//! methods, `new`, and the server's callbacks. Keep the types and signatures; the tests at the
//! bottom of this file stay unchanged. Check with `cargo test -p calculator exercises::stack`.
//!
//! The items can be of any type; the tests use atoms, so `state` prints `[:c, :b, :a]` as on
//! the BEAM. Elixir keeps the stack as a list whose head is the top; a `Vec` grows at its end,
//! so the core keeps the top last and [`Stack::to_list`] turns it round.

use std::convert::Infallible;
use std::fmt;

use otp_core::ServerRef;
use otp_core::gen_server::{
    self, CallError, CallResult, Caller, CastResult, GenServer, Init, Options, StartError,
};

// ANCHOR: core
/// The stack's core: plain data, no process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack<T> {
    /// The items, bottom first: the top is the last one.
    items: Vec<T>,
}

impl<T: Clone> Stack<T> {
    /// A stack holding `items`, given top first as Elixir writes a list: `[:c, :b, :a]` has
    /// `:c` on top.
    pub fn new(items: Vec<T>) -> Self {
        teaching::solution! {
            let mut items = items;
            items.reverse();
            Stack { items }
        }
    }

    /// Puts `item` on top.
    pub fn push(&mut self, item: T) {
        teaching::solution! { self.items.push(item) }
    }

    /// Takes the top item off; `None` (Elixir's `nil`) when the stack is empty.
    pub fn pop(&mut self) -> Option<T> {
        teaching::solution! { self.items.pop() }
    }

    /// The items, top first, as Elixir's list prints them.
    pub fn to_list(&self) -> Vec<T> {
        teaching::solution! { self.items.iter().rev().cloned().collect() }
    }
}
// ANCHOR_END: core

/// The server's state: a stack.
pub struct Server<T>(Stack<T>);

impl<T: fmt::Debug> fmt::Debug for Server<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The requests that need no answer.
#[derive(Debug)]
pub enum Cast<T> {
    /// `{:push, item}`
    Push(T),
}

/// The requests that wait for an answer.
#[derive(Debug)]
pub enum Call {
    /// `:pop`
    Pop,
    /// `:state`
    State,
}

/// The answers to [`Call`]s.
#[derive(Debug, PartialEq)]
pub enum Reply<T> {
    /// The item popped, if there was one.
    Popped(Option<T>),
    /// The items, top first.
    State(Vec<T>),
}

// ANCHOR: server
impl<T> GenServer for Server<T>
where
    T: Clone + fmt::Debug + Send + 'static,
{
    type Arg = Vec<T>;
    type Call = Call;
    type Reply = Reply<T>;
    type Cast = Cast<T>;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(items: Vec<T>) -> Init<Self> {
        teaching::solution! { Init::Ok(Server(Stack::new(items))) }
    }

    async fn handle_cast(&mut self, Cast::Push(item): Cast<T>) -> CastResult<Self> {
        teaching::solution! {
            self.0.push(item);
            CastResult::NoReply
        }
    }

    async fn handle_call(&mut self, msg: Call, _from: &Caller<Reply<T>>) -> CallResult<Self> {
        teaching::solution! {
            match msg {
                Call::Pop => CallResult::Reply(Reply::Popped(self.0.pop())),
                Call::State => CallResult::Reply(Reply::State(self.0.to_list())),
            }
        }
    }
}
// ANCHOR_END: server

/// `Stack.start_link/1`: a stack server holding `items` (top first), linked to the caller.
///
/// # Panics
/// Outside a process.
pub async fn start_link<T>(items: Vec<T>) -> Result<ServerRef<Server<T>>, StartError>
where
    T: Clone + fmt::Debug + Send + 'static,
{
    gen_server::start_link::<Server<T>>(items, Options::new()).await
}

/// `Stack.push/2`: a cast.
pub fn push<T>(stack: &ServerRef<Server<T>>, item: T)
where
    T: Clone + fmt::Debug + Send + 'static,
{
    gen_server::cast(stack, Cast::Push(item));
}

/// `Stack.pop/1`: the top item, or `None` when the stack is empty.
pub async fn pop<T>(stack: &ServerRef<Server<T>>) -> Result<Option<T>, CallError>
where
    T: Clone + fmt::Debug + Send + 'static,
{
    match gen_server::call(stack, Call::Pop).await? {
        Reply::Popped(item) => Ok(item),
        // `handle_call` answers `Pop` with `Popped`, whoever wrote it: see the test below.
        Reply::State(_) => unreachable!("a pop is answered with Popped"),
    }
}

/// `Stack.state/1`: the items, top first.
pub async fn state<T>(stack: &ServerRef<Server<T>>) -> Result<Vec<T>, CallError>
where
    T: Clone + fmt::Debug + Send + 'static,
{
    match gen_server::call(stack, Call::State).await? {
        Reply::State(items) => Ok(items),
        Reply::Popped(_) => unreachable!("a state call is answered with State"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::in_node;
    use otp_core::Atom;

    fn atoms(names: &[&str]) -> Vec<Atom> {
        names.iter().map(|n| Atom::from(*n)).collect()
    }

    #[test]
    fn the_core_is_last_in_first_out() {
        let mut stack = Stack::new(atoms(&["b", "a"]));
        stack.push(Atom::from("c"));
        assert_eq!(stack.to_list(), atoms(&["c", "b", "a"]));
        assert_eq!(stack.pop(), Some(Atom::from("c")));
        assert_eq!(stack.pop(), Some(Atom::from("b")));
        assert_eq!(stack.pop(), Some(Atom::from("a")));
        assert_eq!(stack.pop(), None);
        assert!(stack.to_list().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_pushes_pops_and_answers_nil_when_empty() {
        let (got, _) = in_node(async {
            let s = start_link(atoms(&["a"])).await.expect("init never fails");
            push(&s, Atom::from("b"));
            push(&s, Atom::from("c"));
            let full = state(&s).await;
            let mut popped = Vec::new();
            for _ in 0..4 {
                popped.push(pop(&s).await);
            }
            (full, popped, state(&s).await)
        })
        .await;
        let (full, popped, empty) = got;
        assert_eq!(full, Ok(atoms(&["c", "b", "a"])));
        assert_eq!(
            popped,
            vec![
                Ok(Some(Atom::from("c"))),
                Ok(Some(Atom::from("b"))),
                Ok(Some(Atom::from("a"))),
                Ok(None)
            ]
        );
        assert_eq!(empty, Ok(Vec::<Atom>::new()));
    }

    #[tokio::test(start_paused = true)]
    async fn each_call_gets_the_reply_of_its_kind() {
        // What `pop` and `state` rely on: the server answers a pop with `Popped` and a state
        // call with `State`, so their `unreachable!` arms are.
        let (got, _) = in_node(async {
            let s = start_link(vec![1, 2]).await.expect("init never fails");
            (
                gen_server::call(&s, Call::State).await,
                gen_server::call(&s, Call::Pop).await,
            )
        })
        .await;
        assert_eq!(got.0, Ok(Reply::State(vec![1, 2])));
        assert_eq!(got.1, Ok(Reply::Popped(Some(1))));
    }
}
