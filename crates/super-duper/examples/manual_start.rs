fn main() {
    otp_core::shell::play(super_duper::scenes::manual_start::manual_start);
}
