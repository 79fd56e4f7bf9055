//! Jimu's sync server as a library: `app(state)` builds the router, `Store` keeps bundles.
//!
//! The binary entry is `jimu serve` in `jimu-cli`; tests drive [`app`] through
//! `tower::ServiceExt::oneshot` without opening a socket.

mod auth;
mod error;
mod openapi;
mod routes;
mod store;

pub use auth::{Admin, Publisher, Reader};
pub use error::AppError;
pub use jimu_wire::{AuditEntry, Listed, Role, Token};
pub use openapi::ApiDoc;
pub use routes::app;
pub use store::{BundleVersion, Expect, Publish, Published, Store, StoreConfig, content_hash};

use std::net::SocketAddr;
use std::path::PathBuf;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The built configurator (Trunk's `dist/`), served at `/` when present.
    pub dist: Option<PathBuf>,
    /// Which web origins (portals) may call `/api` from a browser.
    pub cors: Cors,
    /// Whether reads need no token (public bundles for portals); writes always need one.
    pub public_read: bool,
    /// How long a request may take, its body included ([`REQUEST_TIMEOUT`] by default).
    pub request_timeout: std::time::Duration,
}

/// How long a request may take by default, its body included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl AppState {
    /// A state serving only `/api`, with CORS off and every read needing a token.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            dist: None,
            cors: Cors::Off,
            public_read: false,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

/// Cross-origin access to `/api` for portals that embed the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cors {
    /// Same origin only (the default).
    #[default]
    Off,
    /// Any origin (`*`).
    Any,
    /// These origins, e.g. `https://portal.example.com`.
    Origins(Vec<String>),
}

impl Cors {
    /// From `--cors` values: none is off, `*` is any origin, else the origins listed.
    pub fn from_list(origins: &[String]) -> Self {
        if origins.is_empty() {
            Self::Off
        } else if origins.iter().any(|o| o == "*") {
            Self::Any
        } else {
            Self::Origins(origins.to_vec())
        }
    }
}

/// Options for [`serve`].
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub store: StoreConfig,
    pub dist: Option<PathBuf>,
    pub cors: Cors,
    pub public_read: bool,
}

/// Opens the store and serves until Ctrl-C or SIGTERM. An address that cannot be listened on
/// is an error that names it.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    use anyhow::Context as _;
    // Held while serving: on SQLite this process's writer must be the only one storing
    // versions (its in-memory newest versions rely on it).
    let _lock = match &options.store {
        StoreConfig::SqliteDir(dir) => Some(lock_data_dir(dir)?),
        StoreConfig::Postgres(_) => None,
    };
    let store = Store::open(&options.store).await?;
    tracing::info!(backend = store.backend(), "store open");
    let state = AppState {
        store,
        dist: options.dist.clone(),
        cors: options.cors.clone(),
        public_read: options.public_read,
        request_timeout: REQUEST_TIMEOUT,
    };
    let addr = options.addr;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!(
            "cannot listen on {addr}: is another server using it? Pick another address with \
             --addr, e.g. --addr 127.0.0.1:9000 (无法监听 {addr}：是否已被其他程序占用？用 \
             --addr 换一个地址)"
        )
    })?;
    let local = listener.local_addr()?;
    match &options.dist {
        Some(dist) => tracing::info!(dist = %dist.display(), "serving the configurator"),
        None => tracing::warn!("no built configurator found: only /api is served"),
    }
    // The one line people and scripts look for: where to point a browser.
    println!("Jimu is running at http://{local}/");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Takes `jimu-serve.lock` in the data directory, or says which directory is already served.
pub fn lock_data_dir(dir: &std::path::Path) -> anyhow::Result<std::fs::File> {
    use anyhow::Context as _;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let path = dir.join("jimu-serve.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another `jimu serve` is already using {} (one server per data directory; several \
             instances share a PostgreSQL database instead)",
            dir.display()
        ),
        Err(std::fs::TryLockError::Error(err)) => {
            Err(err).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
