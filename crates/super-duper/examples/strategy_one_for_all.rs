fn main() {
    teaching::play(super_duper::scenes::strategies::strategy_one_for_all);
}
