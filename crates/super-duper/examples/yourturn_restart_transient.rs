fn main() {
    otp_core::shell::play(super_duper::scenes::yourturn_restart::yourturn_restart_transient);
}
