fn main() {
    teaching::play(super_duper::scenes::primitives::primitives);
}
