fn main() {
    otp_core::shell::play(super_duper::scenes::restart_intensity::restart_intensity_shell);
}
