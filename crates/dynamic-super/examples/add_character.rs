fn main() {
    otp_core::shell::play(dynamic_super::scenes::add_character::add_character);
}
