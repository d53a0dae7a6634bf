//! The Messaging Setup console's HTTP server: configuration, start-up and the axum router.
//! `main.rs` only wires these together; tests build the same router on a free port.

pub mod auth;
pub mod config;
pub mod guard;
pub mod startup;
pub mod telemetry;
