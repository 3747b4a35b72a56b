fn main() {
    otp_core::shell::play(calculator::scenes::core_reducers::core_reducers);
}
