fn main() {
    teaching::play(dynamic_super::scenes::dynamic::dynamic);
}
