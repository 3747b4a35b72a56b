fn main() {
    egg_timer::scenes::anatomy::SCENE.play()
}
