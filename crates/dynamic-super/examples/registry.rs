fn main() {
    teaching::play(dynamic_super::scenes::registry::registry);
}
