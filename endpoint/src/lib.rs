//! samtal-endpoint: the municipal service that receives approved notes over mutual TLS,
//! stores them (SQLite or PostgreSQL) and delivers them to the case system.

pub mod admin;
pub mod api;
pub mod auth;
pub mod bench;
pub mod bench_connections;
pub mod client;
pub mod config;
pub mod db;
pub mod metrics;
pub mod outbox;
pub mod owner_only;
pub mod pki;
pub mod serve;
pub mod throttle;
pub mod tls;
