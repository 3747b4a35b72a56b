fn main() {
    teaching::play(super_duper::scenes::manual_start::manual_start);
}
