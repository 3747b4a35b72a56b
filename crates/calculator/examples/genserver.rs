fn main() {
    otp_core::shell::play(calculator::scenes::genserver::genserver);
}
