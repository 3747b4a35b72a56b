//! `cargo run -p super-duper`: chapter 3's interactive shell (see `super_duper::shell`).

fn main() -> std::process::ExitCode {
    super_duper::shell::iex().main()
}
