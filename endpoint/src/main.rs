//! `samtal-endpoint`: serve, administer and benchmark the municipal endpoint.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use samtal_endpoint::config::Config;
use samtal_endpoint::pki::Role;
use samtal_endpoint::{admin, bench, serve};

#[derive(Parser)]
#[command(
    name = "samtal-endpoint",
    version,
    about = "Municipal endpoint for Samtal notes"
)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, global = true, env = "SAMTAL_ENDPOINT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service.
    Serve,
    /// Municipal CA.
    Ca {
        #[command(subcommand)]
        command: CaCommand,
    },
    /// Phones.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Service certificates (case-system integrations, monitoring).
    Cert {
        #[command(subcommand)]
        command: CertCommand,
    },
    /// Staff allow-list for BankID sign-in.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Worker sessions from BankID sign-in.
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// Upload synthetic notes to the running endpoint with many concurrent mTLS clients.
    Bench {
        /// Base URL; defaults to https://127.0.0.1:<port of `listen`>.
        #[arg(long)]
        url: Option<String>,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 2000)]
        notes: usize,
    },
    /// Flood the running endpoint with idle and slow connections while a phone delivers
    /// notes; prints delivery times and how soon each idle connection was closed.
    BenchConnections {
        /// Clients reopening idle TLS connections to the enrollment listener.
        #[arg(long, default_value_t = 2000)]
        idle_enroll: usize,
        /// Clients sending HTTP/1 headers one line a second (mutual TLS).
        #[arg(long, default_value_t = 100)]
        slow_header: usize,
        /// Clients idling on HTTP/2 after one request (mutual TLS).
        #[arg(long, default_value_t = 100)]
        idle_h2: usize,
        /// Length of the flood in seconds.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
}

#[derive(Subcommand)]
enum CaCommand {
    /// Create the CA, the server certificate and the receipt-signing key.
    Init {
        /// Host names or IP addresses the server certificate is valid for.
        #[arg(long = "server-name", default_values_t = ["localhost".to_string(), "127.0.0.1".to_string()])]
        server_names: Vec<String>,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Register a phone and print its one-time enrollment code.
    Enroll {
        /// A label for administrators (no personal data).
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 60)]
        valid_minutes: i64,
    },
    /// Revoke a phone: its certificates are refused from the next connection on.
    Revoke {
        #[arg(long)]
        device: String,
    },
    List,
}

#[derive(Subcommand)]
enum CertCommand {
    /// Issue a client certificate and key into a directory.
    Issue {
        /// case-system or monitor.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long)]
        out: PathBuf,
    },
    Revoke {
        #[arg(long)]
        serial: String,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Allow a worker (personal number YYYYMMDDNNNN) to sign in.
    Allow {
        #[arg(long)]
        personal_number: String,
    },
    /// Remove a worker's permission to sign in.
    Deny {
        #[arg(long)]
        personal_number: String,
    },
}

#[derive(Subcommand)]
enum SessionCommand {
    /// Open sessions: id, device, state, created and expiry time (no tokens, no personal numbers).
    List {
        /// Include revoked and expired sessions.
        #[arg(long)]
        all: bool,
    },
    /// Revoke sessions: the phone must sign in again before it can deliver notes.
    #[command(group(clap::ArgGroup::new("target").required(true).multiple(false)))]
    Revoke {
        /// One session, by the id `session list` prints.
        #[arg(long, group = "target")]
        session: Option<String>,
        /// Every open session on this device (id from `device list`).
        #[arg(long, group = "target")]
        device: Option<String>,
        /// Every open session of this worker (personal number YYYYMMDDNNNN).
        #[arg(long, group = "target")]
        personal_number: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Whatever the endpoint creates is its own unless a mode says otherwise.
    // SAFETY: umask only changes this process's file creation mask.
    unsafe { libc::umask(0o077) };
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let config_path = cli
        .config
        .context("--config FILE (or SAMTAL_ENDPOINT_CONFIG) is required")?;
    let config = Config::load(&config_path)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run(cli.command, config))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve::serve(config).await,
        Command::Ca {
            command: CaCommand::Init { server_names },
        } => {
            let fingerprint = admin::ca_init(&config, &server_names)?;
            println!("CA created in {}", config.data_dir.display());
            println!("CA fingerprint: {fingerprint}");
            Ok(())
        }
        Command::Device { command } => match command {
            DeviceCommand::Enroll {
                name,
                valid_minutes,
            } => {
                let (device_id, code) = admin::device_enroll(&config, &name, valid_minutes).await?;
                println!("device: {device_id}");
                println!("code: {code}");
                println!("valid for {valid_minutes} minutes, once");
                Ok(())
            }
            DeviceCommand::Revoke { device } => {
                admin::device_revoke(&config, &device).await?;
                println!("revoked {device}");
                Ok(())
            }
            DeviceCommand::List => {
                for (id, name, revoked) in admin::device_list(&config).await? {
                    let state = if revoked { "revoked" } else { "active" };
                    println!("{id}\t{state}\t{name}");
                }
                Ok(())
            }
        },
        Command::Cert { command } => match command {
            CertCommand::Issue {
                role,
                name,
                days,
                out,
            } => {
                let role = match Role::parse(&role) {
                    Some(r @ (Role::CaseSystem | Role::Monitor)) => r,
                    _ => anyhow::bail!(
                        "--role must be case-system or monitor (devices enroll with a code)"
                    ),
                };
                let serial = admin::cert_issue(&config, role, &name, days, &out).await?;
                println!("issued serial {serial} into {}", out.display());
                Ok(())
            }
            CertCommand::Revoke { serial } => {
                admin::cert_revoke(&config, &serial).await?;
                println!("revoked {serial}");
                Ok(())
            }
        },
        Command::Staff { command } => {
            let (pn, allowed) = match command {
                StaffCommand::Allow { personal_number } => (personal_number, true),
                StaffCommand::Deny { personal_number } => (personal_number, false),
            };
            admin::staff_set(&config, &pn, allowed).await?;
            println!("{}", if allowed { "allowed" } else { "denied" });
            Ok(())
        }
        Command::Session { command } => match command {
            SessionCommand::List { all } => {
                let now = samtal_endpoint::db::now_ms();
                for s in admin::session_list(&config, all).await? {
                    println!(
                        "{}\t{}\t{}\tcreated={}\texpires={}",
                        s.session_id,
                        s.device_id,
                        s.state(now),
                        rfc3339(s.created_ms),
                        rfc3339(s.expires_ms)
                    );
                }
                Ok(())
            }
            SessionCommand::Revoke {
                session,
                device,
                personal_number,
            } => {
                let target = match (session, device, personal_number) {
                    (Some(id), _, _) => admin::SessionTarget::Id(id),
                    (_, Some(device), _) => admin::SessionTarget::Device(device),
                    (_, _, Some(pn)) => admin::SessionTarget::Worker(pn),
                    _ => anyhow::bail!("give --session, --device or --personal-number"),
                };
                let n = admin::session_revoke(&config, &target).await?;
                println!("revoked {n} session(s)");
                Ok(())
            }
        },
        Command::BenchConnections {
            idle_enroll,
            slow_header,
            idle_h2,
            seconds,
        } => {
            let options = samtal_endpoint::bench_connections::Options {
                idle_enroll,
                slow_header,
                idle_h2,
                duration: std::time::Duration::from_secs(seconds),
                retry_pause: std::time::Duration::from_secs(1),
                delivery_every: std::time::Duration::from_millis(500),
            };
            bench_connections(&config, options).await
        }
        Command::Bench {
            url,
            clients,
            notes,
        } => {
            let url = url.unwrap_or_else(|| format!("https://127.0.0.1:{}", config.listen.port()));
            let report = bench::run(&config, &url, clients, notes).await?;
            println!("{report}");
            Ok(())
        }
    }
}

async fn bench_connections(
    config: &Config,
    options: samtal_endpoint::bench_connections::Options,
) -> anyhow::Result<()> {
    let report = samtal_endpoint::bench_connections::run(config, &options).await?;
    print!("{report}");
    Ok(())
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}
