fn main() {
    otp_core::shell::play(super_duper::scenes::yourturn_add_character::yourturn_add_character);
}
