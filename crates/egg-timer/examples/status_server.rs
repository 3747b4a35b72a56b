fn main() {
    egg_timer::scenes::status_server::SCENE.play()
}
