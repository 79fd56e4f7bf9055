//! Jimu's sync server as a library: `app(state)` builds the router, `Store` keeps bundles.
//!
//! The binary entry is `jimu serve` in `jimu-cli`; tests drive [`app`] through
//! `tower::ServiceExt::oneshot` without opening a socket.

mod auth;
mod conn;
mod error;
pub mod limits;
mod openapi;
mod routes;
mod store;
mod validators;

pub use auth::{Admin, Publisher, Reader};
pub use conn::{ConnectionLimits, HEADER_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS, SHUTDOWN_GRACE};
pub use error::{AppError, Missing};
pub use jimu_wire::{AuditEntry, Listed, Role, Token};
pub use openapi::ApiDoc;
pub use routes::app;
pub use store::{
    BundleVersion, CONTENT_CACHE_BYTES, Expect, Publish, Published, Store, StoreConfig,
    content_hash,
};
pub use validators::{VALIDATION_NICE, Validators};

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
    /// How many missed versions a reconnecting event stream replays at most
    /// ([`limits::REPLAY_WINDOW`] by default); beyond it, one `resync` event.
    pub replay_window: u64,
    /// The threads that validate published bundles, off the request threads and at a lower
    /// priority ([`validation_permits`] of them by default).
    pub validation: Validators,
    /// Fires when the server shuts down: event streams end.
    pub shutdown: Shutdown,
}

/// How long a request may take by default, its body included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl AppState {
    /// A state serving only `/api`, with CORS off, every read needing a token, and no
    /// shutdown signal.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            dist: None,
            cors: Cors::Off,
            public_read: false,
            request_timeout: REQUEST_TIMEOUT,
            replay_window: limits::REPLAY_WINDOW,
            validation: Validators::new(validation_permits()),
            shutdown: Shutdown::never(),
        }
    }
}

/// How many bundles are validated at once by default: all cores but one (at least one), so a
/// core is always left for answering reads however many publishers send large bundles.
pub fn validation_permits() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .saturating_sub(1)
        .max(1)
}

/// The server's shutdown as a signal any task can wait for.
#[derive(Debug, Clone)]
pub struct Shutdown(tokio::sync::watch::Receiver<bool>);

/// Fires a [`Shutdown`].
#[derive(Debug)]
pub struct ShutdownTrigger(tokio::sync::watch::Sender<bool>);

impl Shutdown {
    /// A signal and what fires it.
    pub fn new() -> (ShutdownTrigger, Self) {
        let (sender, receiver) = tokio::sync::watch::channel(false);
        (ShutdownTrigger(sender), Self(receiver))
    }

    /// A signal that never fires.
    pub fn never() -> Self {
        Self::new().1
    }

    /// Whether it has fired.
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until it fires (forever, for one that never does).
    pub async fn wait(&mut self) {
        if self.0.wait_for(|fired| *fired).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl ShutdownTrigger {
    pub fn fire(&self) {
        let _ = self.0.send(true);
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
    /// The connection cap and the header and idle timeouts.
    pub connections: ConnectionLimits,
    /// How many missed versions a reconnecting event stream replays at most.
    pub replay_window: u64,
    /// How many bytes of bundles' newest contents the SQLite store keeps in memory.
    pub content_cache_bytes: usize,
}

impl ServeOptions {
    /// Options with every limit at its default.
    pub fn new(addr: SocketAddr, store: StoreConfig) -> Self {
        Self {
            addr,
            store,
            dist: None,
            cors: Cors::Off,
            public_read: false,
            connections: ConnectionLimits::default(),
            replay_window: limits::REPLAY_WINDOW,
            content_cache_bytes: CONTENT_CACHE_BYTES,
        }
    }
}

/// Opens the store and serves until Ctrl-C or SIGTERM, then shuts down: no new connections,
/// event streams end, requests in flight get [`SHUTDOWN_GRACE`] to finish. An address that
/// cannot be listened on is an error that names it.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    use anyhow::Context as _;
    // Held while serving: on SQLite this process's writer must be the only one storing
    // versions (its in-memory newest versions rely on it).
    let _lock = match &options.store {
        StoreConfig::SqliteDir(dir) => Some(lock_data_dir(dir)?),
        StoreConfig::Postgres(_) => None,
    };
    let store = Store::open(&options.store).await?;
    store.set_content_cache_bytes(options.content_cache_bytes);
    tracing::info!(backend = store.backend(), "store open");
    let (trigger, shutdown) = Shutdown::new();
    let state = AppState {
        dist: options.dist.clone(),
        cors: options.cors.clone(),
        public_read: options.public_read,
        replay_window: options.replay_window,
        shutdown: shutdown.clone(),
        ..AppState::new(store)
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
    let mut limits = options.connections;
    limits.max_connections = fit_to_open_files(limits.max_connections);
    tracing::info!(
        max_connections = limits.max_connections,
        header_timeout_s = limits.header_timeout.as_secs_f64(),
        idle_timeout_s = limits.idle_timeout.as_secs_f64(),
        replay_window = options.replay_window,
        "limits"
    );
    // The one line people and scripts look for: where to point a browser.
    println!("Jimu is running at http://{local}/");
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutdown signal received");
        trigger.fire();
    });
    conn::serve(listener, app(state), limits, shutdown).await;
    tracing::info!("stopped");
    Ok(())
}

/// Files the server keeps open besides its connections: the store's pool (SQLite: three per
/// connection), the listener, logs, the configurator's files being sent.
pub const RESERVED_FILES: usize = 64;

/// The connection cap the process can hold: past its open-files limit a connection cannot be
/// accepted at all, so none would be closed to make room and the server would stop answering
/// (issue 20). The soft limit is raised (up to the hard one) to what the cap needs; when it
/// cannot be, the cap is lowered to fit, with a warning. Linux only; elsewhere unchanged.
fn fit_to_open_files(max_connections: usize) -> usize {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let needed =
            u64::try_from(max_connections.saturating_add(RESERVED_FILES)).unwrap_or(u64::MAX);
        let limit = getrlimit(Resource::Nofile);
        // `None` is unlimited.
        let mut soft = limit.current.unwrap_or(u64::MAX);
        if soft >= needed {
            return max_connections;
        }
        let raised = needed.min(limit.maximum.unwrap_or(u64::MAX));
        if raised > soft {
            let new = Rlimit {
                current: Some(raised),
                maximum: limit.maximum,
            };
            match setrlimit(Resource::Nofile, new) {
                Ok(()) => {
                    tracing::info!(from = soft, to = raised, "raised the open-files limit");
                    soft = raised;
                }
                Err(err) => tracing::warn!(%err, "cannot raise the open-files limit"),
            }
        }
        if soft >= needed {
            return max_connections;
        }
        let reserved = u64::try_from(RESERVED_FILES).unwrap_or(u64::MAX);
        let fits = usize::try_from(soft.saturating_sub(reserved))
            .unwrap_or(usize::MAX)
            .max(8);
        tracing::warn!(
            open_files = soft,
            max_connections,
            lowered_to = fits,
            "the process may not open enough files for --max-connections: the cap is lowered to \
             fit (raise the limit with ulimit -n or LimitNOFILE=, or lower --max-connections)"
        );
        fits
    }
    #[cfg(not(target_os = "linux"))]
    max_connections
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
