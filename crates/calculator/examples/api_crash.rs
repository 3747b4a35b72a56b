fn main() {
    otp_core::shell::play(calculator::scenes::api_crash::api_crash);
}
