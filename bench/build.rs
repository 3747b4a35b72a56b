//! Reads the versions of the measured libraries from Cargo.lock, so that the table always names
//! the versions it measured (`env!("VERSION_RACTOR")` and so on).

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").expect("bench/Cargo.lock");
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            let var = n.to_uppercase().replace('-', "_");
            if ["TOKIO", "OTP_CORE", "RACTOR", "KAMEO", "ACTIX", "ACTIX_RT"].contains(&var.as_str())
            {
                println!("cargo:rustc-env=VERSION_{var}={}", v.trim_matches('"'));
            }
        }
    }
}
