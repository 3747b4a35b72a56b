fn main() {
    teaching::play(calculator::scenes::core_reducers::core_reducers);
}
