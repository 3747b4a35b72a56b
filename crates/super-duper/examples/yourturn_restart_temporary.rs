fn main() {
    teaching::play(super_duper::scenes::yourturn_restart::yourturn_restart_temporary);
}
