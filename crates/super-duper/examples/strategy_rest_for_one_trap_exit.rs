fn main() {
    otp_core::shell::play(super_duper::scenes::strategies::strategy_rest_for_one_trap_exit);
}
