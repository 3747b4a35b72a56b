fn main() {
    egg_timer::scenes::handle_info::SCENE.play()
}
