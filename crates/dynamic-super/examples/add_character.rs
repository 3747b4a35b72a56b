fn main() {
    teaching::play(dynamic_super::scenes::add_character::add_character);
}
