//! Starts a `bankid-sim` on loopback with a fresh PKI and a client that trusts it.
#![allow(dead_code)]

use std::time::Duration;

use samtal_bankid::sim::{SimConfig, SimPki, SimServer};
use samtal_bankid::{BankIdClient, ClientIdentity, Environment, OrderPoller, PinnedCa};

pub struct Sim {
    pub dir: tempfile::TempDir,
    pub pki: SimPki,
    pub server: SimServer,
    pub client: BankIdClient,
}

/// Collect interval used in tests instead of BankID's 2 s.
pub const FAST: Duration = Duration::from_millis(20);

pub async fn start(config: SimConfig) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let pki = SimPki::open_or_init(dir.path()).unwrap();
    let server = SimServer::start(&pki, config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let client = client_for(&pki, &server);
    Sim {
        dir,
        pki,
        server,
        client,
    }
}

pub async fn start_default() -> Sim {
    start(SimConfig::default()).await
}

pub fn client_for(pki: &SimPki, server: &SimServer) -> BankIdClient {
    let identity = ClientIdentity::from_pem_files(&pki.rp_cert(), &pki.rp_key()).unwrap();
    let ca = PinnedCa::from_pem_file(&pki.ca_cert()).unwrap();
    BankIdClient::new(&Environment::Custom(server.base_url()), &identity, &ca).unwrap()
}

impl Sim {
    pub fn poller(&self, order_ref: &str) -> OrderPoller {
        OrderPoller::new(self.client.clone(), order_ref).with_interval(FAST)
    }

    /// A raw HTTP client with the RP identity, for protocol-level checks.
    pub fn raw_http(&self) -> reqwest::Client {
        let identity =
            ClientIdentity::from_pem_files(&self.pki.rp_cert(), &self.pki.rp_key()).unwrap();
        let ca = PinnedCa::from_pem_file(&self.pki.ca_cert()).unwrap();
        reqwest::Client::builder()
            .use_preconfigured_tls(samtal_bankid::identity::tls_config(&identity, &ca).unwrap())
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://{}/{path}", self.server.addr())
    }
}
