//! `samtal`: the desktop harness for Samtal.
use clap::Parser;

#[derive(Parser)]
#[command(name = "samtal", version, about = "Samtal desktop harness")]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}
