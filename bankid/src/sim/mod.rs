//! `bankid-sim`: a BankID RP API v6.0 simulator speaking the same paths, JSON, status
//! codes and error bodies over mutual TLS, with deterministic scenarios chosen by test
//! personal numbers (see [`scenario`]) and an `/admin` API to drive orders by hand.
//!
//! Admin API (same listener, same client certificate):
//! - `GET /admin/orders`: known orders with status, hint and collect count
//! - `POST /admin/orders/{orderRef|latest}/complete` `{"personalNumber": "…"}` (optional)
//! - `POST /admin/orders/{orderRef|latest}/hint` `{"hintCode": "userSign" | "userCancel" | …}`
//! - `PUT /admin/default-scenario` `{"scenario": "complete:3", "personalNumber": "…"}`

pub mod completion;
pub mod pki;
mod routes;
pub mod scenario;
mod server;
pub mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use pki::{SimPki, RP_P12_PASSWORD};
pub use scenario::Scenario;
pub use state::{OrderSummary, SimConfig};

use completion::UserSigner;
use state::Orders;

/// A running simulator.
pub struct SimServer {
    addr: SocketAddr,
    orders: Arc<Mutex<Orders>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl SimServer {
    /// Starts serving on `listen` (port 0 picks a free port) with the PKI in `pki`.
    pub async fn start(
        pki: &SimPki,
        config: SimConfig,
        listen: SocketAddr,
    ) -> anyhow::Result<Self> {
        let (ca_pem, ca_key) = pki.ca()?;
        let orders = Arc::new(Mutex::new(Orders::new(
            config,
            UserSigner::new(&ca_pem, ca_key)?,
        )));
        let tls = pki.server_tls()?;
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(server::serve(
            listener,
            tls,
            routes::router(orders.clone()),
            rx,
        ));
        Ok(Self {
            addr,
            orders,
            shutdown: Some(tx),
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The RP API base URL, e.g. `https://127.0.0.1:PORT/rp/v6.0/`.
    pub fn base_url(&self) -> String {
        format!("https://{}/rp/v6.0/", self.addr)
    }

    /// How often `order_ref` has been collected (`None` once it is forgotten).
    pub fn collect_count(&self, order_ref: &str) -> Option<u32> {
        self.orders
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .collect_count(order_ref)
    }

    /// Completes a pending order as the admin API would (`order_ref` may be `latest`).
    pub fn complete(
        &self,
        order_ref: &str,
        personal_number: Option<&str>,
    ) -> Result<String, String> {
        self.orders
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .admin_complete(
                order_ref,
                personal_number.map(str::to_string),
                std::time::Instant::now(),
            )
    }

    /// Stops accepting connections.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
