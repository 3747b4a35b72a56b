fn main() {
    otp_core::shell::play(super_duper::scenes::strategies::strategy_one_for_one);
}
