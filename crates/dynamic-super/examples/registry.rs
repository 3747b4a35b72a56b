fn main() {
    otp_core::shell::play(dynamic_super::scenes::registry::registry);
}
