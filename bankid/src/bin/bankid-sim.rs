//! `bankid-sim`: runs the BankID RP API v6.0 simulator over mutual TLS.
//!
//! `bankid-sim init DIR` writes the CA, server and RP certificates; `bankid-sim serve
//! --dir DIR` serves `https://127.0.0.1:PORT/rp/v6.0/` (creating DIR's files if missing)
//! and prints that URL on its first line of output.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use samtal_bankid::sim::{Scenario, SimConfig, SimPki, SimServer};

#[derive(Parser)]
#[command(
    name = "bankid-sim",
    about = "BankID RP API v6.0 simulator (test use only)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate ca.pem/ca.key, server.pem/server.key, rp.pem/rp.key and rp.p12 (qwerty123).
    Init {
        /// Directory to write the files to.
        dir: PathBuf,
    },
    /// Serve the RP API and the /admin API.
    Serve {
        /// Directory with the files of `init` (created if missing).
        #[arg(long)]
        dir: PathBuf,
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// Scenario of orders without a personal number (QR flow): complete[:N], manual,
        /// userCancel[:N], expiredTransaction[:N], certificateErr[:N], startFailed[:N], …
        #[arg(long, default_value = "complete:3", value_parser = Scenario::parse)]
        default_scenario: Scenario,
        /// Who completes orders without a personal number.
        #[arg(long, default_value = "198112289874")]
        default_personal_number: String,
        /// Seconds within which a QR/autostart order must be started.
        #[arg(long, default_value_t = 30)]
        qr_start_window_secs: u64,
        /// Seconds before a pending order fails with expiredTransaction.
        #[arg(long, default_value_t = 180)]
        order_lifetime_secs: u64,
        /// Seconds a finished order can still be collected.
        #[arg(long, default_value_t = 180)]
        retention_secs: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Init { dir } => {
            let pki = SimPki { dir };
            pki.generate()?;
            println!(
                "wrote {}, {}, {}, {} and {} (passphrase {})",
                pki.ca_cert().display(),
                pki.rp_cert().display(),
                pki.rp_key().display(),
                pki.server_cert().display(),
                pki.rp_p12().display(),
                samtal_bankid::sim::RP_P12_PASSWORD
            );
        }
        Command::Serve {
            dir,
            listen,
            default_scenario,
            default_personal_number,
            qr_start_window_secs,
            order_lifetime_secs,
            retention_secs,
        } => {
            let default_personal_number =
                samtal_bankid::personal_number::normalize(&default_personal_number).ok_or_else(
                    || anyhow::anyhow!("--default-personal-number is not a valid personal number"),
                )?;
            let pki = SimPki::open_or_init(&dir)?;
            let config = SimConfig {
                qr_start_window: Duration::from_secs(qr_start_window_secs),
                order_lifetime: Duration::from_secs(order_lifetime_secs),
                retention: Duration::from_secs(retention_secs),
                default_scenario,
                default_personal_number,
            };
            let server = SimServer::start(&pki, config, listen).await?;
            // One write, and no panic if nobody reads stdout any more.
            let banner = format!(
                "bankid-sim listening on {}\ntrust {} and present {} / {}\n",
                server.base_url(),
                pki.ca_cert().display(),
                pki.rp_cert().display(),
                pki.rp_key().display()
            );
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
            drop(out);
            shutdown_signal().await;
            server.shutdown().await;
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
