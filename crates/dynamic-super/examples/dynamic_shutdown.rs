fn main() {
    teaching::play(dynamic_super::scenes::shutdown::dynamic_shutdown);
}
