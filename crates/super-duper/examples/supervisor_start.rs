fn main() {
    teaching::play(super_duper::scenes::supervisor_start::supervisor_start);
}
