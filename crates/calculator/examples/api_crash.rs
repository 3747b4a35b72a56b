fn main() {
    teaching::play(calculator::scenes::api_crash::api_crash);
}
