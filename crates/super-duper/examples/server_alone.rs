fn main() {
    teaching::play(super_duper::scenes::server_alone::server_alone);
}
