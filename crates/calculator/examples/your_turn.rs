fn main() {
    otp_core::shell::play(calculator::scenes::your_turn::your_turn);
}
