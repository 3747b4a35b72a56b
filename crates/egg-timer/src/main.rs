//! `cargo run -p egg-timer`: chapter 2's interactive shell (see `egg_timer::shell`).

fn main() -> std::process::ExitCode {
    egg_timer::shell::iex().main()
}
