fn main() {
    egg_timer::scenes::status_core::SCENE.play()
}
