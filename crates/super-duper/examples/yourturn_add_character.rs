fn main() {
    teaching::play(super_duper::scenes::yourturn_add_character::yourturn_add_character);
}
