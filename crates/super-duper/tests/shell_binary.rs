//! The real binary, `cargo run -p super-duper`, with its input piped in: the path a reader
//! takes with `echo ... | cargo run -p super-duper`, and the proof that the shell works
//! without a terminal. It runs in real time, so only what cannot depend on timing is checked:
//! every answer, the restart, the ordered shutdown, a clean exit. A timeout bounds the run.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Far more than the run needs (well under a second); only a hang gets near it.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn the_binary_reads_piped_input_and_shuts_down_in_order() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_super-duper"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RUST_LOG")
        .spawn()
        .expect("the shell binary starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(b"say superman\ndie superman\nwait 300\nsay superman\ncount_children\nobserve\nnonsense\nexit\n")
        .expect("the shell reads its input");
    drop(stdin);
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        let _ = tx.send(out);
    });
    let out = match rx.recv_timeout(LIMIT) {
        Ok(out) => out,
        Err(_) => {
            // Only the child this test started.
            let _ = child.kill();
            panic!("the shell did not finish within {LIMIT:?}");
        }
    };
    let status = child.wait().expect("the shell exits");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "exit status {status}\n{out}\n{stderr}");
    let quote = "\"It doesn't take X-Ray Vision to see you are up to no good.\"";
    for expected in [
        ">>>> Starting Super-duper Super-visor <<<<\n",
        "iex(1)> say superman\n",
        "iex(2)> die superman\n:ok\n",
        "Mayday! Mayday! superman going down...\n",
        "[error] GenServer :superman terminating\n",
        "iex(4)> say superman\n",
        "%{active: 3, specs: 3, supervisors: 0, workers: 3}\n",
        "observe needs a terminal",
        "** (UndefinedFunctionError) unknown command nonsense",
        "[notice] Application super_duper exited: :stopped\n",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert_eq!(out.lines().filter(|l| *l == quote).count(), 2, "{out}");
    assert_eq!(
        out.matches("Starting superman\n").count(),
        2,
        "a restart:\n{out}"
    );
    assert!(out.trim_end().ends_with(":stopped"), "{out}");
}
