//! `cargo run -p calculator`: chapter 1's interactive shell (see `calculator::shell`).

fn main() -> std::process::ExitCode {
    calculator::shell::iex().main()
}
