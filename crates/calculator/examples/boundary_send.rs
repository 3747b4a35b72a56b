fn main() {
    otp_core::shell::play(calculator::scenes::boundary_send::boundary_send);
}
