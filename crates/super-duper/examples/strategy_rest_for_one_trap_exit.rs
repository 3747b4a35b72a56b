fn main() {
    teaching::play(super_duper::scenes::strategies::strategy_rest_for_one_trap_exit);
}
