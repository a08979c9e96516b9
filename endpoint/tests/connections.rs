//! Connection budgets, timeouts and enrollment throttling: idle, slow and over-budget
//! connections are closed within the configured times while a phone keeps delivering.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, Setup};
use samtal_endpoint::bench_connections::{run, Options};
use samtal_protocol::{EnrollmentCode, ErrorBody};
use tokio::io::AsyncReadExt;

const LIMITS: &str = "[limits]\nmax_connections = 40\nmax_enroll_connections = 8\n\
    handshake_timeout_secs = 1\nfirst_request_timeout_secs = 1\nidle_timeout_secs = 2\n\
    enroll_failures_per_address = 3\nenroll_failure_window_secs = 60\n";

/// Closing takes the timeout plus at most the graceful-close second and timer slack.
const SLACK: f64 = 1.5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_slow_and_over_budget_connections_are_closed_while_a_phone_delivers() {
    let setup = Setup::with_config(&Backend::Sqlite, 64 * 1024, LIMITS);
    let _server = setup.start();

    // A TCP connection that never starts TLS is closed after the handshake timeout.
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", setup.config.listen.port()))
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    assert!(started.elapsed().as_secs_f64() < 1.0 + SLACK);

    let options = Options {
        idle_enroll: 40,
        slow_header: 5,
        idle_h2: 5,
        duration: Duration::from_secs(6),
        retry_pause: Duration::from_millis(200),
        delivery_every: Duration::from_millis(300),
    };
    let report = run(&setup.config, &options).await.unwrap();
    println!("{report}");
    assert_eq!(report.failed_deliveries, 0, "{report}");
    assert!(report.deliveries.len() >= 10, "{report}");
    assert!(report.slowest_delivery() < 1.0, "{report}");
    for (closes, timeout) in [
        (&report.enroll, 1.0),
        (&report.slow_header, 1.0),
        (&report.idle_h2, 2.0),
    ] {
        assert!(closes.held >= 5, "{report}");
        assert_eq!(closes.not_closed, 0, "{report}");
        for after in &closes.closed_after {
            assert!(*after < timeout + SLACK, "{report}");
        }
    }
    assert!(
        report.enroll.refused > 0,
        "40 clients against a budget of 8: {report}"
    );
    let metrics = setup
        .client(
            &setup
                .service_identity(samtal_endpoint::pki::Role::Monitor, "prom")
                .await,
        )
        .get(format!("{}/metrics", setup.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("samtal_tls_connections_total{result=\"over_budget\"}"));
    assert!(metrics.contains("samtal_tls_connections_total{result=\"timed_out\"}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_enrollment_codes_are_throttled_per_address() {
    let setup = Setup::with_config(&Backend::Sqlite, 64 * 1024, LIMITS);
    let _server = setup.start();
    let (_, code) = samtal_endpoint::admin::device_enroll(&setup.config, "phone", 10)
        .await
        .unwrap();
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .serialize_request(&rcgen::KeyPair::generate().unwrap())
        .unwrap()
        .pem()
        .unwrap();
    let wrong = EnrollmentCode {
        secret: "WRONGCODE2345678".into(),
        ..code.clone()
    };
    for _ in 0..3 {
        let response = setup.post_enroll(&wrong, &csr).await;
        assert_eq!(response.status(), 403);
    }
    for attempt in [&wrong, &code] {
        let response = setup.post_enroll(attempt, &csr).await;
        assert_eq!(response.status(), 429);
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after));
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error, "too_many_attempts");
    }
    assert!(!setup.log().contains(&code.secret));
}
