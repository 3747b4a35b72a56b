fn main() {
    teaching::play(super_duper::scenes::restart_intensity::restart_intensity_sasl);
}
