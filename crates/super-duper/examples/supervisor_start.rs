fn main() {
    otp_core::shell::play(super_duper::scenes::supervisor_start::supervisor_start);
}
