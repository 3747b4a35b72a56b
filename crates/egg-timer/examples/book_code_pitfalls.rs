fn main() {
    egg_timer::scenes::book_code_pitfalls::SCENE.play()
}
