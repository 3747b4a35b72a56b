fn main() {
    otp_core::shell::play(super_duper::scenes::primitives::primitives);
}
