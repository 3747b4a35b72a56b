fn main() {
    otp_core::shell::play(dynamic_super::scenes::stop_manually::stop_manually);
}
