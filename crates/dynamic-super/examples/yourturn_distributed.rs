fn main() {
    teaching::play(dynamic_super::scenes::distributed::yourturn_distributed);
}
