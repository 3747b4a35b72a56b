fn main() {
    otp_core::shell::play(dynamic_super::scenes::which_children::which_children);
}
