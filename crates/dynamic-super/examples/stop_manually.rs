fn main() {
    teaching::play(dynamic_super::scenes::stop_manually::stop_manually);
}
