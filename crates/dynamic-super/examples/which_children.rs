fn main() {
    teaching::play(dynamic_super::scenes::which_children::which_children);
}
