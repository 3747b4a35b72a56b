fn main() {
    egg_timer::scenes::your_turn_egg_timer::SCENE.play()
}
