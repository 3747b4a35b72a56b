fn main() {
    teaching::play(calculator::scenes::genserver::genserver);
}
