//! samtal-endpoint: the municipal service that receives approved notes over mutual TLS.

fn main() {
    eprintln!("samtal-endpoint: not yet built; see the endpoint issue");
    std::process::exit(2);
}
