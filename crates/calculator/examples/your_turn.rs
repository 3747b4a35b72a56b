fn main() {
    teaching::play(calculator::scenes::your_turn::your_turn);
}
