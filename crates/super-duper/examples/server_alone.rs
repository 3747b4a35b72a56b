fn main() {
    otp_core::shell::play(super_duper::scenes::server_alone::server_alone);
}
