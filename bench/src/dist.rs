//! The distribution rows: remote calls and casts over loopback (127.0.0.1), otp-core to
//! otp-core (two nodes in this process, or a second process), otp-core to the BEAM and the
//! BEAM to otp-core, beside a bare tokio request/response over one TCP connection (the floor
//! any networked call pays). The BEAM to BEAM row is `beam::distribution`.
//!
//! Every node listens on 127.0.0.1 only and finds the others through a private epmd on a free
//! port (`beam::Epmd`), with a cookie made for the run. Without `epmd` on the PATH the otp-core
//! nodes are given each other's address instead. Each child process (a copy of this program, or
//! an `erl`) is waited for by reading what it prints, with a deadline; it is told to go by
//! closing its stdin, and killed by its pid if it has not gone within a deadline.
//!
//! The workloads are those of `otp_bench.erl`'s `dist`: 20k calls with no timeout to an adder
//! server of the other node, and 200k casts followed by one call. Here the server is one adder
//! per row, registered as `otp_bench_adder` and addressed as `{otp_bench_adder, node}`; it
//! lives for the whole row (warm-up and measured runs), where the BEAM to BEAM row starts a
//! fresh one per run and calls it by pid.

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use otp_core::dist::{Cookie, DistNode, DistNodeBuilder};
use otp_core::gen_server::{
    self, CallResult, Caller, CastResult, GenServer, Init, Options, RemoteCodec, ServerRef,
};
use otp_core::{Atom, ExitReason, Node, Timeout};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

use crate::beam::{self, REMOTE_CALLS, REMOTE_CASTS};
use crate::harness::{Figure, boxed, on_worker, per_op};

/// The name of the adder on the server node, on otp-core as on the BEAM.
pub const ADDER: &str = "otp_bench_adder";

/// How long a node or a child process may take to come up, or a first call to be answered.
const LIMIT: Duration = Duration::from_secs(30);

/// How long a child process may take to exit once its stdin is closed, before it is killed.
const EXIT_LIMIT: Duration = Duration::from_secs(10);

/// A call figure and a cast figure, or why there are none.
pub type Pair = Result<(Figure, Figure), String>;

/// The adder of `bench_adder.erl` as an otp-core GenServer that other nodes reach: a cast adds
/// a number to the total, a call adds the number and replies with the new total. Its messages
/// are integers on the wire, as the BEAM's.
///
/// A type of its own rather than `otp::Adder` with a codec added, so that the local rows of the
/// other tables keep measuring a server built without one, as a program without distribution
/// builds it.
#[derive(Debug)]
pub struct RemoteAdder(u64);

impl GenServer for RemoteAdder {
    type Arg = ();
    type Call = u64;
    type Reply = u64;
    type Cast = u64;
    type Info = Infallible;
    type Continue = Infallible;

    async fn init(_: ()) -> Init<Self> {
        Init::Ok(RemoteAdder(0))
    }

    async fn handle_call(&mut self, n: u64, _from: &Caller<u64>) -> CallResult<Self> {
        self.0 += n;
        CallResult::Reply(self.0)
    }

    async fn handle_cast(&mut self, n: u64) -> CastResult<Self> {
        self.0 += n;
        CastResult::NoReply
    }

    fn remote() -> Option<RemoteCodec<Self>> {
        Some(RemoteCodec::new())
    }
}

/// A unique node name: `otp_bench_<role>_<this process's id>@127.0.0.1`.
pub fn node_name(role: &str) -> String {
    format!("otp_bench_{role}_{}@127.0.0.1", std::process::id())
}

/// A node on 127.0.0.1 that registers with the epmd on `epmd` (a port), or with none.
fn builder(name: &str, cookie: &str, epmd: Option<u16>) -> DistNodeBuilder {
    let b = DistNode::builder(name, Cookie::new(cookie));
    match epmd {
        Some(port) => b.epmd(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)),
        None => b.without_epmd(),
    }
}

async fn start_node(builder: DistNodeBuilder) -> Result<Node, String> {
    let node = Node::new();
    node.distribute(builder)
        .await
        .map_err(|e| format!("a node did not start: {e}"))?;
    Ok(node)
}

/// An otp-core node of this process that runs the adder (registered as [`ADDER`]).
pub struct RustServer {
    pub node: Node,
    pub name: String,
    adder: Option<ServerRef<RemoteAdder>>,
}

impl RustServer {
    pub fn start(rt: &Runtime, role: &str, cookie: &str, epmd: Option<u16>) -> Result<Self, String> {
        let name = node_name(role);
        let node = rt.block_on(start_node(builder(&name, cookie, epmd)))?;
        Ok(RustServer {
            node,
            name,
            adder: None,
        })
    }

    /// Stops the adder this node runs, if any, and starts a fresh one under the same name.
    pub fn fresh_adder(&mut self, rt: &Runtime) -> Result<(), String> {
        let old = self.adder.take();
        let started = rt.block_on(self.node.run(async move {
            if let Some(old) = old {
                gen_server::stop(&old, ExitReason::Normal, Timeout::Infinity)
                    .await
                    .map_err(|e| format!("stopping the adder: {e:?}"))?;
            }
            gen_server::start::<RemoteAdder>((), Options::new().name(ADDER))
                .await
                .map_err(|e| format!("starting the adder: {e:?}"))
        }));
        self.adder = Some(started.map_err(|e| format!("the starter exited: {e:?}"))??);
        Ok(())
    }
}

/// The client side of a row: a process of `client` calls and casts to `{otp_bench_adder,
/// server}`, measured as every per-operation row is (warm-up run, then the median of the
/// measured runs). A first call, before the warm-up, makes the connection.
fn client_rows(rt: &Runtime, client: &Node, server: &str) -> Pair {
    let target = (Atom::from(ADDER), Atom::from(server));
    let first = target.clone();
    let answered = rt.block_on(client.run(async move {
        gen_server::call_timeout::<RemoteAdder>(&first, 0, Timeout::After(LIMIT)).await
    }));
    match answered {
        Ok(Ok(_)) => {}
        other => return Err(format!("the first call to {server} failed: {other:?}")),
    }
    let call = per_op(rt, || {
        let (node, target) = (client.clone(), target.clone());
        boxed(async move {
            node.run(async move {
                for i in 0..REMOTE_CALLS {
                    gen_server::call_timeout::<RemoteAdder>(&target, i, Timeout::Infinity)
                        .await
                        .expect("reply");
                }
            })
            .await
            .expect("bench process");
            REMOTE_CALLS
        })
    });
    let cast = per_op(rt, || {
        let (node, target) = (client.clone(), target.clone());
        boxed(async move {
            node.run(async move {
                for i in 0..REMOTE_CASTS {
                    gen_server::cast::<RemoteAdder>(&target, i);
                }
                gen_server::call_timeout::<RemoteAdder>(&target, 0, Timeout::Infinity)
                    .await
                    .expect("reply");
            })
            .await
            .expect("bench process");
            REMOTE_CASTS
        })
    });
    Ok((call, cast))
}

/// otp-core to otp-core in this process: a client node calls `server`'s adder over a loopback
/// socket, both nodes on the same tokio runtime.
pub fn in_process(rt: &Runtime, server: &mut RustServer, cookie: &str, epmd: Option<u16>) -> Pair {
    server.fresh_adder(rt)?;
    let mut b = builder(&node_name("r"), cookie, epmd);
    if epmd.is_none() {
        let addr = server.node.listen_address().ok_or("the server node has no socket")?;
        b = b.peer_address(server.name.clone(), addr);
    }
    let client = rt.block_on(start_node(b))?;
    let figures = client_rows(rt, &client, &server.name);
    client.disconnect(server.name.as_str());
    figures
}

/// otp-core to otp-core across two OS processes: a copy of this program (`bench --dist-node`,
/// see [`child`]) runs the adder on a node of its own; a node of this process calls it.
/// `flags` are the options this run passes on to its children (`--current-thread`).
pub fn two_processes(rt: &Runtime, cookie: &str, epmd: Option<u16>, flags: &[&str]) -> Pair {
    let name = node_name("p");
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let mut command = Command::new(exe);
    command.args(flags).args(["--dist-node", &name, cookie]);
    match epmd {
        Some(port) => command.env("ERL_EPMD_PORT", port.to_string()),
        None => command.arg("--no-epmd"),
    };
    let child = Spawned::start(command, "the otp-core child node")?;
    let addr: SocketAddr = child
        .wait_for("ready ")?
        .parse()
        .map_err(|e| format!("the child node printed no address: {e}"))?;
    let mut b = builder(&node_name("q"), cookie, epmd);
    if epmd.is_none() {
        b = b.peer_address(name.clone(), addr);
    }
    let client = rt.block_on(start_node(b))?;
    let figures = client_rows(rt, &client, &name);
    client.disconnect(name.as_str());
    drop(child);
    figures
}

/// `bench --dist-node <name> <cookie> [--no-epmd]`: the server side of [`two_processes`]. Starts
/// a node (registered with the epmd of `ERL_EPMD_PORT`, unless `--no-epmd`) running the adder,
/// prints `ready <address>`, and serves until its stdin closes.
pub fn child(rt: &Runtime, args: &[String]) {
    let (Some(name), Some(cookie)) = (args.first(), args.get(1)) else {
        eprintln!("usage: bench --dist-node <name> <cookie> [--no-epmd]");
        std::process::exit(2);
    };
    let b = DistNode::builder(name.as_str(), Cookie::new(cookie));
    let b = if args.iter().any(|a| a == "--no-epmd") {
        b.without_epmd()
    } else {
        b
    };
    let node = rt.block_on(start_node(b)).expect("the child node starts");
    let mut server = RustServer {
        node,
        name: name.clone(),
        adder: None,
    };
    server.fresh_adder(rt).expect("the child's adder starts");
    let addr = server.node.listen_address().expect("a node on a socket");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready {addr}");
    let _ = out.flush();
    drop(out);
    // Serve (on the runtime's workers) until the parent closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

/// otp-core to the BEAM: an `erl` node (two schedulers) runs `bench_adder.erl`'s gen_server,
/// registered as `otp_bench_adder`; a node of this process calls and casts to it.
pub fn to_beam(rt: &Runtime, cookie: &str, epmd: u16) -> Pair {
    let name = node_name("e");
    let src = beam::adder_source();
    let src = src.to_string_lossy();
    let eval = format!(
        r#"{{ok, M, B}} = compile:file("{src}", [binary, report]),
           {{module, M}} = code:load_binary(M, "{src}", B),
           {{ok, _}} = gen_server:start({{local, {ADDER}}}, M, 0, []),
           io:format("ready~n"),
           eof = io:get_line(""),
           halt()."#
    );
    let mut command = Command::new("erl");
    command
        .args(["-noshell", "+S", "2", "-name", &name, "-setcookie", cookie])
        .args(["-kernel", "inet_dist_use_interface", "{127,0,0,1}"])
        .args(["-eval", &eval])
        .env("ERL_EPMD_PORT", epmd.to_string())
        .env_remove("ERL_FLAGS");
    let erl = Spawned::start(command, "erl")?;
    erl.wait_for("ready")?;
    let client = rt.block_on(start_node(builder(&node_name("f"), cookie, Some(epmd))))?;
    let figures = client_rows(rt, &client, &name);
    client.disconnect(name.as_str());
    drop(erl);
    figures
}

/// The BEAM to otp-core: the script's `dist-to` workload calls and casts to `server`'s adder
/// by name, timed on the Erlang side.
pub fn from_beam(rt: &Runtime, server: &mut RustServer, cookie: &str, epmd: u16) -> Pair {
    server.fresh_adder(rt)?;
    let out = beam::to_node(&server.name, cookie, epmd)?;
    let row = |k: &str| {
        out.row(k)
            .ok_or_else(|| format!("the BEAM printed no `{k}` row"))
    };
    Ok((row("dist-to-call")?, row("dist-to-cast")?))
}

// ---------------------------------------------------------------------------------------------
// The tokio TCP floor

const CAST: u8 = 0;
const CALL: u8 = 1;

/// Writes one frame: a 4-byte big-endian length, then a tag and a number (9 bytes).
async fn write_frame(w: &mut (impl AsyncWriteExt + Unpin), tag: u8, n: u64) {
    let mut frame = [0u8; 13];
    frame[..4].copy_from_slice(&9u32.to_be_bytes());
    frame[4] = tag;
    frame[5..].copy_from_slice(&n.to_be_bytes());
    w.write_all(&frame).await.expect("write a frame");
}

/// Reads one frame's body (at most 64 bytes), `None` at the end of the stream.
async fn read_frame(r: &mut (impl AsyncReadExt + Unpin), body: &mut [u8; 64]) -> Option<usize> {
    let len = r.read_u32().await.ok()? as usize;
    assert!(len <= body.len(), "a frame of {len} bytes");
    r.read_exact(&mut body[..len]).await.ok()?;
    Some(len)
}

/// The adder's floor: one connection, frames in, a reply frame (the total) for each call.
async fn serve(listener: TcpListener) {
    let (stream, _) = listener.accept().await.expect("accept");
    stream.set_nodelay(true).expect("nodelay");
    let (r, w) = stream.into_split();
    let (mut r, mut w) = (tokio::io::BufReader::new(r), tokio::io::BufWriter::new(w));
    let (mut total, mut body) = (0u64, [0u8; 64]);
    while let Some(9) = read_frame(&mut r, &mut body).await {
        total += u64::from_be_bytes(body[1..9].try_into().expect("8 bytes"));
        if body[0] == CALL {
            let mut reply = [0u8; 12];
            reply[..4].copy_from_slice(&8u32.to_be_bytes());
            reply[4..].copy_from_slice(&total.to_be_bytes());
            w.write_all(&reply).await.expect("reply");
            w.flush().await.expect("flush");
        }
    }
}

type FloorClient = (
    tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>,
    tokio::io::BufWriter<tokio::net::tcp::OwnedWriteHalf>,
    tokio::task::JoinHandle<()>,
);

async fn floor_connection() -> FloorClient {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(serve(listener));
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (r, w) = stream.into_split();
    (
        tokio::io::BufReader::new(r),
        tokio::io::BufWriter::new(w),
        server,
    )
}

/// A call of the floor: a frame out (flushed), the reply frame back.
async fn floor_call(c: &mut FloorClient, n: u64) -> u64 {
    write_frame(&mut c.1, CALL, n).await;
    c.1.flush().await.expect("flush");
    let mut body = [0u8; 64];
    read_frame(&mut c.0, &mut body).await.expect("a reply");
    u64::from_be_bytes(body[..8].try_into().expect("8 bytes"))
}

/// A bare tokio request/response over one loopback `TcpStream` (TCP_NODELAY, length-prefixed
/// frames, buffered reader and writer), client and server tasks on the runtime's workers: 20k
/// calls, each flushed and answered; 200k casts written through the buffered writer (flushed
/// when its 8 KiB buffer fills), then one call. One connection per run.
pub fn tcp_floor(rt: &Runtime) -> (Figure, Figure) {
    let call = per_op(rt, || {
        boxed(on_worker(async {
            let mut c = floor_connection().await;
            for i in 0..REMOTE_CALLS {
                floor_call(&mut c, i).await;
            }
            let (r, w, server) = c;
            drop((r, w));
            server.await.expect("the floor's server");
            REMOTE_CALLS
        }))
    });
    let cast = per_op(rt, || {
        boxed(on_worker(async {
            let mut c = floor_connection().await;
            for i in 0..REMOTE_CASTS {
                write_frame(&mut c.1, CAST, i).await;
            }
            floor_call(&mut c, 0).await;
            let (r, w, server) = c;
            drop((r, w));
            server.await.expect("the floor's server");
            REMOTE_CASTS
        }))
    });
    (call, cast)
}

// ---------------------------------------------------------------------------------------------
// Child processes

/// A child process whose stdout is read line by line on a thread of its own. Dropping it
/// closes the child's stdin (its cue to exit), waits until its stdout closes, and kills it (by
/// its pid) if that takes longer than [`EXIT_LIMIT`].
struct Spawned {
    what: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Spawned {
    fn start(mut command: Command, what: &'static str) -> Result<Spawned, String> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Spawned {
            what,
            child,
            stdin,
            lines,
        })
    }

    /// The rest of the first line that starts with `prefix`, waiting at most [`LIMIT`]. Other
    /// lines are passed on to stderr.
    fn wait_for(&self, prefix: &str) -> Result<String, String> {
        let deadline = Instant::now() + LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => match line.strip_prefix(prefix) {
                    Some(rest) => return Ok(rest.trim().to_string()),
                    None => eprintln!("{}: {line}", self.what),
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "{} printed no `{prefix}` line within {} s",
                        self.what,
                        LIMIT.as_secs()
                    ));
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(format!("{} exited before it was ready", self.what));
                }
            }
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => eprintln!("{}: {line}", self.what),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    eprintln!(
                        "{} still runs {} s after its stdin closed: killing it",
                        self.what,
                        EXIT_LIMIT.as_secs()
                    );
                    let _ = self.child.kill();
                    break;
                }
            }
        }
        let _ = self.child.wait();
    }
}
