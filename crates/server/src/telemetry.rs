//! Logging: `tracing` with an `EnvFilter` (default `info`). lettre's own logging stays at
//! `info` whatever the filter says, as a second guard: its debug output would include the AUTH
//! exchange if its `tracing` feature were ever switched on.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; safe to call more than once (later calls do nothing).
pub fn init() {
    let requested = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_owned());
    let filter = EnvFilter::try_new(format!("{requested},lettre=info"))
        .unwrap_or_else(|_| EnvFilter::new("info,lettre=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .try_init();
}
