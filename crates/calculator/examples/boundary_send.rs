fn main() {
    teaching::play(calculator::scenes::boundary_send::boundary_send);
}
