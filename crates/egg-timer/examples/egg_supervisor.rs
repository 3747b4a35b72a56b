fn main() {
    egg_timer::scenes::egg_supervisor::SCENE.play()
}
