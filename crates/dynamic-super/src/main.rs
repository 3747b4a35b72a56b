//! `cargo run -p dynamic-super`: chapter 4's interactive shell (see `dynamic_super::shell`).

fn main() -> std::process::ExitCode {
    dynamic_super::shell::iex().main()
}
