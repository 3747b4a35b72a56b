fn main() {
    egg_timer::scenes::backpressure::SCENE.play()
}
