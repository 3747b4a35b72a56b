fn main() {
    egg_timer::scenes::schedule_and_stop::SCENE.play()
}
