//! `samtal-endpoint serve`: bind the listeners, start the delivery worker, run.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::api::{enroll_router, mtls_router, refused_router, AppState};
use crate::config::{Config, Limits};
use crate::db::Db;
use crate::metrics::Metrics;
use crate::outbox;
use crate::pki::Pki;
use crate::throttle::FailureThrottle;
use crate::tls::{self, ConnLimits, Routes};

pub async fn serve(config: Config) -> anyhow::Result<()> {
    restrict_data_dir(&config.data_dir)?;
    let pki = Arc::new(Pki::load(&config.data_dir)?);
    let db = Db::connect(&config.database_url()).await?;
    let signer = Arc::new(pki.receipt_signer()?);
    let sinks = outbox::sinks(&config)?;
    let metrics = Arc::new(Metrics::default());
    let notify = Arc::new(Notify::new());
    let state = AppState {
        db: db.clone(),
        pki: pki.clone(),
        signer,
        metrics: metrics.clone(),
        outbox: notify.clone(),
        sinks: Arc::new(config.sink_names()),
        max_note_bytes: config.max_note_bytes,
        device_cert_days: config.device_cert_days,
        public_url: Arc::new(config.public_url()),
        bankid: match &config.bankid {
            Some(settings) => Some(Arc::new(crate::auth::BankIdService::new(settings.clone())?)),
            None => None,
        },
        enroll_throttle: Arc::new(FailureThrottle::new(
            config.limits.enroll_failures_per_address,
            Duration::from_secs(config.limits.enroll_failure_window_secs),
        )),
    };
    let (mtls_limits, enroll_limits) = listener_limits(&config.limits);
    check_descriptor_budget(&config.limits)?;
    let mtls_listener = TcpListener::bind(config.listen).await?;
    let enroll_listener = match config.enroll_listen {
        Some(addr) => Some(TcpListener::bind(addr).await?),
        None => None,
    };
    let enroll_addr = match &enroll_listener {
        Some(l) => l.local_addr()?.to_string(),
        None => "-".into(),
    };
    tracing::info!(
        mtls = %mtls_listener.local_addr()?,
        enroll = %enroll_addr,
        database = db.backend.as_str(),
        sinks = ?config.sink_names(),
        "samtal-endpoint started"
    );
    // A machine-readable line for scripts and tests that bind port 0.
    let mut stdout = std::io::stdout();
    writeln!(
        stdout,
        "listening mtls={} enroll={} database={}",
        mtls_listener.local_addr()?,
        enroll_addr,
        db.backend.as_str()
    )?;
    stdout.flush()?;

    tokio::spawn(outbox::run(
        db.clone(),
        sinks,
        notify,
        metrics.clone(),
        Duration::from_secs(config.delivery_lease_secs),
    ));
    if let Some(listener) = enroll_listener {
        tokio::spawn(tls::serve(
            listener,
            tls::server_only_config(&pki.files)?,
            Routes::Open(enroll_router(state.clone())),
            enroll_limits,
            metrics.clone(),
        ));
    }
    let mtls = tls::serve(
        mtls_listener,
        tls::mtls_config(&pki.files)?,
        Routes::Mtls {
            ok: mtls_router(state),
            refused: refused_router,
            db,
        },
        mtls_limits,
        metrics,
    );
    tokio::select! {
        _ = mtls => {}
        _ = shutdown_signal() => tracing::info!("shutting down"),
    }
    Ok(())
}

/// Budgets and timeouts of the mutual-TLS and the enrollment listener.
fn listener_limits(limits: &Limits) -> (ConnLimits, ConnLimits) {
    let secs = Duration::from_secs;
    let of = |max_connections| ConnLimits {
        max_connections,
        handshake: secs(limits.handshake_timeout_secs),
        first_request: secs(limits.first_request_timeout_secs),
        idle: secs(limits.idle_timeout_secs),
        request: secs(limits.request_timeout_secs),
    };
    (
        of(limits.max_connections),
        of(limits.max_enroll_connections),
    )
}

/// Descriptors kept free of both listeners' budgets: database pool, sinks, logs, accept
/// of connections that are closed at once over budget.
const DESCRIPTOR_RESERVE: libc::rlim_t = 64;

/// Raise the soft descriptor limit to the hard one, and refuse budgets it cannot hold (past
/// it accept fails with `Too many open files`, for phones too).
fn check_descriptor_budget(limits: &Limits) -> anyhow::Result<()> {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: get/setrlimit write and read the local struct only.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } != 0 {
        return Ok(());
    }
    if rl.rlim_cur < rl.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: rl.rlim_max,
            rlim_max: rl.rlim_max,
        };
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            rl = raised;
        }
    }
    let needed = (limits.max_connections + limits.max_enroll_connections) as libc::rlim_t
        + DESCRIPTOR_RESERVE;
    anyhow::ensure!(
        needed <= rl.rlim_cur,
        "[limits] max_connections ({}) + max_enroll_connections ({}) + {DESCRIPTOR_RESERVE} \
         exceed the file-descriptor limit of {}; lower them or raise the limit (ulimit -n, \
         LimitNOFILE= in a systemd unit)",
        limits.max_connections,
        limits.max_enroll_connections,
        rl.rlim_cur
    );
    Ok(())
}

/// The data directory 0700 and the files in it 0600, also when an older version or an
/// administrator's umask left them readable to others.
fn restrict_data_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    crate::owner_only::private_dir(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let mode = if entry.file_type()?.is_dir() {
            crate::owner_only::DIR_MODE
        } else {
            crate::owner_only::FILE_MODE
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
