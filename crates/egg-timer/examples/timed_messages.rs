fn main() {
    egg_timer::scenes::timed_messages::SCENE.play()
}
