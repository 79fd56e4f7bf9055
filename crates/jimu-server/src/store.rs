//! Storage: every version of every bundle (immutable once written), archived bundles, hashed
//! API tokens and the audit log, in SQLite (embedded) or PostgreSQL (several instances).
//!
//! Both backends run the same SQL text (`$1` parameters work in both) with the same schema
//! (`migrations/sqlite`, `migrations/postgres`). Every write is one transaction that also
//! appends to the audit log, and writes are serialized (SQLite `BEGIN IMMEDIATE`, PostgreSQL a
//! transaction-level advisory lock), so version sequence numbers — the ids of the events that
//! announce them — are assigned in commit order on both.
//!
//! What people write (messages, token labels) is checked once, by `crate::limits`, before
//! either store sees it, so both accept and refuse the same things.

use anyhow::{Context as _, bail};
use jimu_wire::{AuditEntry, Listed, Role, Token, VersionInfo};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{Semaphore, broadcast, mpsc, oneshot};

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL channel on which every instance hears of each stored version. The payload
/// is the version's sequence number only (NOTIFY payloads are limited to 8000 bytes); each
/// instance reads the rest from the store.
const CHANNEL: &str = "jimu_versions";

/// The advisory lock every PostgreSQL write holds until it commits ("jimu" in ASCII).
const WRITE_LOCK: i64 = 0x6a69_6d75;

/// One stored version of a bundle. Its API form (without the content) is
/// [`VersionInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleVersion {
    pub name: String,
    pub version: i64,
    /// The bundle JSON exactly as it was published (left out of lists and announcements).
    pub content: String,
    /// `sha256:` and the hex digest of the content: the strong ETag.
    pub hash: String,
    pub created_at_ms: i64,
    /// The label of the token that published it.
    pub author: String,
    /// What the publisher said about the change (may be empty).
    pub message: String,
    /// Its place in the store-wide order of publishes: the id of the event announcing it.
    pub seq: i64,
}

impl From<&BundleVersion> for VersionInfo {
    fn from(stored: &BundleVersion) -> Self {
        VersionInfo {
            name: stored.name.clone(),
            version: stored.version,
            hash: stored.hash.clone(),
            created_at_ms: stored.created_at_ms,
            author: stored.author.clone(),
            message: stored.message.clone(),
        }
    }
}

/// What a conditional publish expects of the bundle's newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Its content hash is one of these (`If-Match: "<etag>", …`).
    OneOf(Vec<String>),
    /// It has a version, any (`If-Match: *`).
    Any,
    /// It has no version yet (`If-None-Match: *`).
    Absent,
}

impl Expect {
    fn holds(&self, latest_hash: Option<&str>) -> bool {
        match (self, latest_hash) {
            (Expect::OneOf(tags), Some(hash)) => tags.iter().any(|t| t == hash),
            (Expect::Any, Some(_)) | (Expect::Absent, None) => true,
            _ => false,
        }
    }
}

/// A publish: the content and who sends it why.
#[derive(Debug, Clone)]
pub struct Publish {
    pub name: String,
    pub content: String,
    pub expect: Expect,
    pub by: Token,
    pub message: String,
    /// For the audit log: `publish`, or `rollback` with the version restored in `detail`.
    pub action: &'static str,
    pub detail: String,
}

/// How a publish ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Stored as this version (with its content, shared with the newest-content cache).
    Stored(Arc<BundleVersion>),
    /// The expectation did not hold: the newest version's number and hash now, if any.
    Stale { current: Option<(i64, String)> },
    /// The bundle is archived: unarchive it first.
    Archived,
}

#[derive(Clone, Debug)]
enum Db {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// SQLite, with the one task that stores versions and what it knows.
#[derive(Clone, Debug)]
struct SqliteDb {
    pool: SqlitePool,
    /// The one task that commits publishes, in groups.
    writer: mpsc::Sender<PublishJob>,
    /// Each bundle's newest version as last read or stored, within a byte budget. Exact,
    /// because this process's writer is the only one that stores versions (one server per
    /// data directory).
    latest: Arc<LatestCache>,
}

/// Runs `$body` with `$pool` bound to whichever pool the store has (the SQL is the same).
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            Db::Sqlite(SqliteDb { pool: $pool, .. }) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` in a write transaction (`$tx`), committed when `$body` ends without returning;
/// `$postgres` tells the body which backend it runs on. Writes are serialized.
macro_rules! write_tx {
    ($db:expr, $tx:ident, $postgres:ident => $body:expr) => {
        match $db {
            Db::Sqlite(SqliteDb { pool, .. }) => {
                let $postgres = false;
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            Db::Postgres(pool) => {
                let $postgres = true;
                let mut $tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *$tx)
                    .await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// The steps of one publish inside a write transaction `$tx`: check the expectation and the
/// archive, insert the version, append to the audit log. Evaluates to the `Published` outcome
/// (the stored version without its content).
macro_rules! publish_steps {
    ($tx:ident, $p:expr, $hash:expr, $now:expr) => {{
        let p = &$p;
        let latest: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, hash FROM bundle_versions WHERE name = $1
             ORDER BY version DESC LIMIT 1",
        )
        .bind(&p.name)
        .fetch_optional(&mut *$tx)
        .await?;
        let archived: Option<i64> =
            sqlx::query_scalar("SELECT archived_at_ms FROM bundle_archive WHERE name = $1")
                .bind(&p.name)
                .fetch_optional(&mut *$tx)
                .await?;
        if !p
            .expect
            .holds(latest.as_ref().map(|(_, hash)| hash.as_str()))
        {
            Published::Stale { current: latest }
        } else if archived.is_some() {
            Published::Archived
        } else {
            let version = latest.map_or(1, |(version, _)| version + 1);
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO bundle_versions
                     (name, version, content, hash, created_at_ms, author, message)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            )
            .bind(&p.name)
            .bind(version)
            .bind(&p.content)
            .bind(&$hash)
            .bind($now)
            .bind(&p.by.label)
            .bind(&p.message)
            .fetch_one(&mut *$tx)
            .await?;
            sqlx::query(AUDIT_INSERT)
                .bind($now)
                .bind(&p.by.id)
                .bind(p.action)
                .bind(Some(&p.name))
                .bind(Some(version))
                .bind(&p.detail)
                .execute(&mut *$tx)
                .await?;
            Published::Stored(Arc::new(BundleVersion {
                name: p.name.clone(),
                version,
                content: String::new(),
                hash: $hash.clone(),
                created_at_ms: $now,
                author: p.by.label.clone(),
                message: p.message.clone(),
                seq,
            }))
        }
    }};
}

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// `jimu.sqlite3` in this directory (created when missing).
    SqliteDir(std::path::PathBuf),
    /// A PostgreSQL URL (`postgres://…`).
    Postgres(String),
}

#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// Each stored version, announced to the event streams of this process.
    announce: broadcast::Sender<BundleVersion>,
    /// Tokens by secret hash as looked up in the last [`TOKEN_CACHE_TTL`] (misses too).
    tokens: TokenCache,
    /// Event streams replaying missed versions read the store through these permits, so
    /// however many reconnect at once, they never hold more than a few connections of the
    /// pool and other requests go on.
    replays: Arc<Semaphore>,
}

/// How many replay reads run at once (the pools hold 8 and 16 connections).
const REPLAY_READS: usize = 3;

/// What the newest-content cache may hold by default, in bytes.
pub const CONTENT_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Each bundle's newest version by name, the least recently used dropped first once their
/// size passes the budget. Reads that miss go to the database.
#[derive(Debug)]
struct LatestCache {
    lru: Mutex<Lru>,
    budget: AtomicUsize,
    /// Bumped (under the lock) by the writer each time it stores a version: a read of the
    /// database that saw none of it may be kept, one that overlapped it is not (it may be
    /// older than what the writer just stored and the cache then dropped).
    writes: AtomicU64,
}

#[derive(Debug, Default)]
struct Lru {
    entries: HashMap<String, (Arc<BundleVersion>, u64)>,
    /// Entry names by their last use.
    order: BTreeMap<u64, String>,
    tick: u64,
    bytes: usize,
}

/// What an entry counts against the budget: its text and some bookkeeping.
fn cost(version: &BundleVersion) -> usize {
    version.content.len()
        + version.name.len() * 2
        + version.hash.len()
        + version.author.len()
        + version.message.len()
        + 160
}

impl Lru {
    fn get(&mut self, name: &str) -> Option<Arc<BundleVersion>> {
        self.tick += 1;
        let tick = self.tick;
        let (version, used) = self.entries.get_mut(name)?;
        self.order.remove(used);
        *used = tick;
        self.order.insert(tick, name.to_owned());
        Some(version.clone())
    }

    fn remove(&mut self, name: &str) {
        if let Some((version, used)) = self.entries.remove(name) {
            self.order.remove(&used);
            self.bytes -= cost(&version);
        }
    }

    /// Keeps `version` as its bundle's newest unless a newer one is there already; then
    /// drops the least recently used entries until the budget holds. A version larger than
    /// the whole budget is not kept (and no older one of its bundle stays).
    fn put(&mut self, version: Arc<BundleVersion>, budget: usize) {
        if let Some((known, _)) = self.entries.get(&version.name)
            && known.seq >= version.seq
        {
            return;
        }
        self.remove(&version.name);
        let size = cost(&version);
        if size > budget {
            return;
        }
        self.tick += 1;
        self.order.insert(self.tick, version.name.clone());
        self.bytes += size;
        self.entries
            .insert(version.name.clone(), (version, self.tick));
        while self.bytes > budget {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some((dropped, _)) = self.entries.remove(&oldest) {
                self.bytes -= cost(&dropped);
            }
        }
    }
}

impl LatestCache {
    fn new(budget: usize) -> Self {
        Self {
            lru: Mutex::new(Lru::default()),
            budget: AtomicUsize::new(budget),
            writes: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.lru
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, name: &str) -> Option<Arc<BundleVersion>> {
        self.lock().get(name)
    }

    /// A version the writer just stored: always the bundle's newest.
    fn stored(&self, version: Arc<BundleVersion>) {
        let mut lru = self.lock();
        self.writes.fetch_add(1, Ordering::SeqCst);
        lru.put(version, self.budget.load(Ordering::Relaxed));
    }

    /// A version read from the database when the writer's count was `writes_before`: kept
    /// only if the writer stored nothing meanwhile.
    fn read(&self, version: Arc<BundleVersion>, writes_before: u64) {
        let mut lru = self.lock();
        if self.writes.load(Ordering::SeqCst) == writes_before {
            lru.put(version, self.budget.load(Ordering::Relaxed));
        }
    }

    /// Entries and bytes held.
    fn usage(&self) -> (usize, usize) {
        let lru = self.lock();
        (lru.entries.len(), lru.bytes)
    }
}

/// Token lookups by secret hash, with when they were made.
type TokenCache = Arc<Mutex<HashMap<String, (Option<Token>, Instant)>>>;

/// How long a token lookup is reused. A token revoked through this server stops at once; one
/// revoked elsewhere (`jimu token revoke`, another instance) within this time.
const TOKEN_CACHE_TTL: Duration = Duration::from_secs(5);

/// Past this many cached lookups (a flood of made-up tokens), the cache starts over.
const TOKEN_CACHE_MAX: usize = 10_000;

impl Store {
    pub async fn open(config: &StoreConfig) -> anyhow::Result<Self> {
        match config {
            StoreConfig::SqliteDir(dir) => Self::open_sqlite_dir(dir).await,
            StoreConfig::Postgres(url) => Self::open_postgres(url).await,
        }
    }

    /// Opens (creating when missing) `jimu.sqlite3` in `dir`, in WAL mode, and migrates it.
    pub async fn open_sqlite_dir(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let options = SqliteConnectOptions::new()
            .filename(dir.join("jimu.sqlite3"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Every acknowledged write is on disk, not only in the WAL's page cache.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database in {}", dir.display()))?;
        SQLITE_MIGRATOR
            .run(&pool)
            .await
            .context("cannot migrate the database")?;
        let (announce, _) = broadcast::channel(1024);
        let (writer, jobs) = mpsc::channel(1024);
        let latest = Arc::new(LatestCache::new(CONTENT_CACHE_BYTES));
        tokio::spawn(write_publishes(
            pool.clone(),
            announce.clone(),
            latest.clone(),
            jobs,
        ));
        Ok(Self {
            db: Db::Sqlite(SqliteDb {
                pool,
                writer,
                latest,
            }),
            announce,
            tokens: Arc::default(),
            replays: Arc::new(Semaphore::new(REPLAY_READS)),
        })
    }

    /// Connects to PostgreSQL, migrates, and listens for the versions any instance stores.
    pub async fn open_postgres(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .context("cannot connect to PostgreSQL")?;
        POSTGRES_MIGRATOR
            .run(&pool)
            .await
            .context("cannot migrate the PostgreSQL database")?;
        let (announce, _) = broadcast::channel(1024);
        let mut listener = PgListener::connect_with(&pool)
            .await
            .context("cannot listen on PostgreSQL")?;
        listener.listen(CHANNEL).await?;
        let store = Self {
            db: Db::Postgres(pool),
            announce,
            tokens: Arc::default(),
            replays: Arc::new(Semaphore::new(REPLAY_READS)),
        };
        tokio::spawn(relay(listener, store.clone()));
        Ok(store)
    }

    /// How many bytes of newest contents the SQLite store keeps in memory (default
    /// [`CONTENT_CACHE_BYTES`]); PostgreSQL reads every time (other instances write too).
    pub fn set_content_cache_bytes(&self, bytes: usize) {
        if let Db::Sqlite(db) = &self.db {
            db.latest.budget.store(bytes, Ordering::Relaxed);
            // Takes effect at the next store; an empty cache is always within budget.
            if bytes < db.latest.usage().1 {
                *db.latest.lock() = Lru::default();
            }
        }
    }

    /// The entries and bytes the newest-content cache holds (zeros on PostgreSQL).
    pub fn content_cache_usage(&self) -> (usize, usize) {
        match &self.db {
            Db::Sqlite(db) => db.latest.usage(),
            Db::Postgres(_) => (0, 0),
        }
    }

    /// Which backend, for logs.
    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// New versions as they are stored by any instance (contents left out). Subscribe before
    /// reading what was missed ([`Self::published_since`]) so nothing falls between the two.
    pub fn subscribe(&self) -> broadcast::Receiver<BundleVersion> {
        self.announce.subscribe()
    }

    /// The sequence number of the newest version stored (0 when there is none).
    pub async fn last_seq(&self) -> anyhow::Result<i64> {
        let seq: i64 = on_pool!(&self.db, pool => {
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM bundle_versions")
                .fetch_one(pool)
                .await?
        });
        Ok(seq)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_pool!(&self.db, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Version `version` of a bundle, if it exists.
    pub async fn version(&self, name: &str, version: i64) -> anyhow::Result<Option<BundleVersion>> {
        let row: Option<FullRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT seq, name, version, content, hash, created_at_ms, author, message
                 FROM bundle_versions WHERE name = $1 AND version = $2",
            )
            .bind(name)
            .bind(version)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(full))
    }

    /// Whether a bundle has any version (read without its content).
    pub async fn has_bundle(&self, name: &str) -> anyhow::Result<bool> {
        let found: Option<i64> = on_pool!(&self.db, pool => {
            sqlx::query_scalar("SELECT version FROM bundle_versions WHERE name = $1 LIMIT 1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }

    /// The newest version of a bundle, if it has any.
    pub async fn latest(&self, name: &str) -> anyhow::Result<Option<Arc<BundleVersion>>> {
        let cache = match &self.db {
            Db::Sqlite(db) => Some(&db.latest),
            Db::Postgres(_) => None,
        };
        if let Some(cache) = cache
            && let Some(known) = cache.get(name)
        {
            return Ok(Some(known));
        }
        let writes_before = cache.map(|cache| cache.writes.load(Ordering::SeqCst));
        let row: Option<FullRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT seq, name, version, content, hash, created_at_ms, author, message
                 FROM bundle_versions WHERE name = $1 ORDER BY version DESC LIMIT 1",
            )
            .bind(name)
            .fetch_optional(pool)
            .await?
        });
        let latest = row.map(|row| Arc::new(full(row)));
        if let (Some(cache), Some(latest), Some(before)) = (cache, &latest, writes_before) {
            cache.read(latest.clone(), before);
        }
        Ok(latest)
    }

    /// A page of a bundle's versions, newest first, without their contents: at most `limit`,
    /// older than version `before` when given; and whether older ones remain. Empty when
    /// the bundle is unknown (or nothing is older than `before`).
    pub async fn history(
        &self,
        name: &str,
        limit: i64,
        before: Option<i64>,
    ) -> anyhow::Result<(Vec<BundleVersion>, bool)> {
        let limit = limit.max(1);
        let rows: Vec<SummaryRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT seq, name, version, hash, created_at_ms, author, message
                 FROM bundle_versions WHERE name = $1 AND version < $2
                 ORDER BY version DESC LIMIT $3",
            )
            .bind(name)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit + 1)
            .fetch_all(pool)
            .await?
        });
        let mut versions: Vec<BundleVersion> = rows.into_iter().map(summary).collect();
        let more = versions.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        versions.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok((versions, more))
    }

    /// The newest version of every bundle by name, without contents; archived ones only when
    /// asked for.
    pub async fn list(&self, with_archived: bool) -> anyhow::Result<Vec<Listed>> {
        let rows: Vec<ListedRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT v.seq, v.name, v.version, v.hash, v.created_at_ms, v.author, v.message,
                            a.archived_at_ms
                     FROM bundle_versions v
                     JOIN (SELECT name, MAX(version) AS version FROM bundle_versions GROUP BY name) l
                       ON l.name = v.name AND l.version = v.version
                     LEFT JOIN bundle_archive a ON a.name = v.name
                     ORDER BY v.name",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter(|row| with_archived || row.7.is_none())
            .map(
                |(seq, name, version, hash, at, author, message, archived)| Listed {
                    latest: VersionInfo::from(&summary((
                        seq, name, version, hash, at, author, message,
                    ))),
                    archived: archived.is_some(),
                },
            )
            .collect())
    }

    /// At most `limit` versions published after event `after` (all bundles, or only `name`),
    /// oldest first, without their contents: a page of what a deployment that reconnects has
    /// missed. Event streams call this one page at a time, through a few permits shared by
    /// all of them.
    pub async fn published_since(
        &self,
        after: i64,
        name: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<BundleVersion>> {
        let _permit = self.replays.acquire().await?;
        self.published_page(after, name, limit).await
    }

    /// [`Self::published_since`] without waiting for a permit (this process's relay).
    async fn published_page(
        &self,
        after: i64,
        name: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<BundleVersion>> {
        let rows: Vec<SummaryRow> = match name {
            Some(name) => on_pool!(&self.db, pool => {
                sqlx::query_as(
                    "SELECT seq, name, version, hash, created_at_ms, author, message
                     FROM bundle_versions WHERE name = $1 AND seq > $2
                     ORDER BY seq LIMIT $3",
                )
                .bind(name)
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }),
            None => on_pool!(&self.db, pool => {
                sqlx::query_as(
                    "SELECT seq, name, version, hash, created_at_ms, author, message
                     FROM bundle_versions WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }),
        };
        Ok(rows.into_iter().map(summary).collect())
    }

    /// How many versions were published after event `after` (all bundles, or only `name`),
    /// counting no further than `cap`: whether a replay fits a window, at bounded cost.
    pub async fn missed_count(
        &self,
        after: i64,
        name: Option<&str>,
        cap: i64,
    ) -> anyhow::Result<i64> {
        let _permit = self.replays.acquire().await?;
        let count: i64 = match name {
            Some(name) => on_pool!(&self.db, pool => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM bundle_versions
                     WHERE name = $1 AND seq > $2 LIMIT $3) AS missed",
                )
                .bind(name)
                .bind(after)
                .bind(cap)
                .fetch_one(pool)
                .await?
            }),
            None => on_pool!(&self.db, pool => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM bundle_versions
                     WHERE seq > $1 LIMIT $2) AS missed",
                )
                .bind(after)
                .bind(cap)
                .fetch_one(pool)
                .await?
            }),
        };
        Ok(count)
    }

    /// Stores `content` as the next version of the bundle when the bundle is as expected and
    /// not archived; nothing is stored otherwise. The check, the version number, the insert
    /// and the audit entry are one serialized transaction, so of many writers expecting the
    /// same version exactly one succeeds. On SQLite, publishes that arrive together share one
    /// transaction and so one sync to disk (group commit); each is answered only after that
    /// commit.
    ///
    /// The message must pass [`crate::limits::check_text`] (the API checks it first and
    /// answers 400).
    pub async fn publish(&self, publish: Publish) -> anyhow::Result<Published> {
        let hash = content_hash(&publish.content);
        self.publish_hashed(publish, hash).await
    }

    /// [`Self::publish`] of content whose [`content_hash`] is `hash` (computed off the
    /// request threads with the validation).
    pub async fn publish_hashed(
        &self,
        publish: Publish,
        hash: String,
    ) -> anyhow::Result<Published> {
        crate::limits::check_text(crate::limits::TextField::Message, &publish.message)
            .map_err(anyhow::Error::msg)?;
        let now = now_ms();
        let outcome = match &self.db {
            Db::Sqlite(db) => {
                let (reply, answer) = oneshot::channel();
                let job = PublishJob {
                    publish,
                    hash,
                    now,
                    reply,
                };
                db.writer
                    .send(job)
                    .await
                    .map_err(|_| anyhow::anyhow!("the store's writer has stopped"))?;
                return answer
                    .await
                    .map_err(|_| anyhow::anyhow!("the store's writer has stopped"))?;
            }
            Db::Postgres(_) => write_tx!(&self.db, tx, _postgres => {
                let outcome = publish_steps!(tx, publish, hash, now);
                if let Published::Stored(stored) = &outcome {
                    // Delivered to every listening instance when (and only if) this commits,
                    // in commit order: the sequence number only, the rest is read.
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(stored.seq.to_string())
                        .execute(&mut *tx)
                        .await?;
                }
                outcome
            }),
        };
        Ok(with_content(outcome, publish.content))
    }

    /// Archives (or unarchives) a bundle: `None` when there is no such bundle, else whether
    /// anything changed. Its versions stay, readable.
    pub async fn set_archived(
        &self,
        name: &str,
        archived: bool,
        by: &Token,
    ) -> anyhow::Result<Option<bool>> {
        let now = now_ms();
        let changed = write_tx!(&self.db, tx, _postgres => {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM bundle_versions WHERE name = $1")
                    .bind(name)
                    .fetch_one(&mut *tx)
                    .await?;
            if exists.is_none() {
                return Ok(None);
            }
            let affected = if archived {
                sqlx::query(
                    "INSERT INTO bundle_archive (name, archived_at_ms, archived_by)
                     VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(now)
                .bind(&by.id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                sqlx::query("DELETE FROM bundle_archive WHERE name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            if affected > 0 {
                sqlx::query(AUDIT_INSERT)
                    .bind(now)
                    .bind(&by.id)
                    .bind(if archived { "archive" } else { "unarchive" })
                    .bind(Some(name))
                    .bind(None::<i64>)
                    .bind("")
                    .execute(&mut *tx)
                    .await?;
            }
            affected > 0
        });
        Ok(Some(changed))
    }

    /// Whether a bundle is archived.
    pub async fn archived(&self, name: &str) -> anyhow::Result<bool> {
        let at: Option<i64> = on_pool!(&self.db, pool => {
            sqlx::query_scalar("SELECT archived_at_ms FROM bundle_archive WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        });
        Ok(at.is_some())
    }

    /// Makes a token; returns it and its secret, which is stored only as a hash. The label
    /// (trimmed) must pass [`crate::limits::check_text`].
    pub async fn create_token(
        &self,
        role: Role,
        label: &str,
        by: &Token,
    ) -> anyhow::Result<(Token, String)> {
        crate::limits::check_text(crate::limits::TextField::Label, label.trim())
            .map_err(anyhow::Error::msg)?;
        let id = format!("tok_{}", hex(&random_bytes::<6>()?));
        let secret = format!("jimu_{}", hex(&random_bytes::<32>()?));
        let label = if label.trim().is_empty() {
            id.clone()
        } else {
            label.trim().to_owned()
        };
        let token = Token {
            id,
            role,
            label,
            created_at_ms: now_ms(),
            created_by: by.id.clone(),
            revoked_at_ms: None,
        };
        write_tx!(&self.db, tx, _postgres => {
            sqlx::query(
                "INSERT INTO tokens (id, secret_hash, role, label, created_at_ms, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&token.id)
            .bind(secret_hash(&secret))
            .bind(role.as_str())
            .bind(&token.label)
            .bind(token.created_at_ms)
            .bind(&token.created_by)
            .execute(&mut *tx)
            .await?;
            sqlx::query(AUDIT_INSERT)
                .bind(token.created_at_ms)
                .bind(&by.id)
                .bind("token.create")
                .bind(None::<&str>)
                .bind(None::<i64>)
                .bind(format!("{} {} {}", token.id, role, token.label))
                .execute(&mut *tx)
                .await?;
        });
        Ok((token, secret))
    }

    /// The live (not revoked) token whose secret this is.
    pub async fn token_for_secret(&self, secret: &str) -> anyhow::Result<Option<Token>> {
        let hash = secret_hash(secret);
        {
            let cache = self
                .tokens
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((token, at)) = cache.get(&hash)
                && at.elapsed() < TOKEN_CACHE_TTL
            {
                return Ok(token.clone());
            }
        }
        let row: Option<TokenRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT id, role, label, created_at_ms, created_by, revoked_at_ms FROM tokens
                 WHERE secret_hash = $1 AND revoked_at_ms IS NULL",
            )
            .bind(&hash)
            .fetch_optional(pool)
            .await?
        });
        let token = row.map(token).transpose()?;
        let mut cache = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= TOKEN_CACHE_MAX {
            cache.clear();
        }
        cache.insert(hash, (token.clone(), Instant::now()));
        Ok(token)
    }

    /// Every token, revoked ones too, oldest first.
    pub async fn tokens(&self) -> anyhow::Result<Vec<Token>> {
        let rows: Vec<TokenRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT id, role, label, created_at_ms, created_by, revoked_at_ms FROM tokens
                 ORDER BY created_at_ms, id",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(token).collect()
    }

    /// Revokes a token: `None` when there is no such token, else whether it was live.
    pub async fn revoke_token(&self, id: &str, by: &Token) -> anyhow::Result<Option<bool>> {
        if !is_token_id(id) {
            // Not an id this store makes (and never sent to it: PostgreSQL refuses NUL).
            return Ok(None);
        }
        let now = now_ms();
        let revoked = write_tx!(&self.db, tx, _postgres => {
            let exists: Option<String> = sqlx::query_scalar("SELECT id FROM tokens WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Ok(None);
            }
            let affected = sqlx::query(
                "UPDATE tokens SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if affected > 0 {
                sqlx::query(AUDIT_INSERT)
                    .bind(now)
                    .bind(&by.id)
                    .bind("token.revoke")
                    .bind(None::<&str>)
                    .bind(None::<i64>)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            affected > 0
        });
        // Its next request is looked up afresh, and refused.
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        Ok(Some(revoked))
    }

    /// The newest audit entries first: at most `limit`, before entry `before` when given.
    pub async fn audit(&self, limit: i64, before: Option<i64>) -> anyhow::Result<Vec<AuditEntry>> {
        type Row = (
            i64,
            i64,
            String,
            String,
            Option<String>,
            Option<i64>,
            String,
        );
        let rows: Vec<Row> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT seq, at_ms, actor, action, bundle, version, detail FROM audit_log
                 WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
            )
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(seq, at_ms, actor, action, bundle, version, detail)| AuditEntry {
                    seq,
                    at_ms,
                    actor,
                    action,
                    bundle,
                    version,
                    detail,
                },
            )
            .collect())
    }
}

/// A publish waiting for the SQLite writer, and where to send its outcome.
#[derive(Debug)]
struct PublishJob {
    publish: Publish,
    hash: String,
    now: i64,
    reply: oneshot::Sender<anyhow::Result<Published>>,
}

/// How many waiting publishes one SQLite transaction takes at most.
const GROUP_COMMIT_MAX: usize = 64;

/// The SQLite writer: takes the publishes waiting (up to [`GROUP_COMMIT_MAX`]), runs them one
/// after another in one transaction — each sees the ones before it, so conditions hold exactly
/// as if they were committed one by one — commits once, and only then answers each and
/// announces what was stored. When anything fails, nothing of the group is stored and each
/// gets the error.
async fn write_publishes(
    pool: SqlitePool,
    announce: broadcast::Sender<BundleVersion>,
    latest: Arc<LatestCache>,
    mut jobs: mpsc::Receiver<PublishJob>,
) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP_COMMIT_MAX {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match commit_group(&pool, &group).await {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    let outcome = with_content(outcome, job.publish.content);
                    if let Published::Stored(stored) = &outcome {
                        latest.stored(stored.clone());
                        // No subscriber is fine: nobody is listening.
                        let _ = announce.send(without_content(stored));
                    }
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(err) => {
                tracing::error!(error = ?err, publishes = group.len(), "a group of publishes failed");
                for job in group {
                    let _ = job.reply.send(Err(anyhow::anyhow!("{err:#}")));
                }
            }
        }
    }
}

async fn commit_group(pool: &SqlitePool, group: &[PublishJob]) -> anyhow::Result<Vec<Published>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        outcomes.push(publish_steps!(tx, job.publish, job.hash, job.now));
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// A stored outcome with the content it stored (the content travels outside the steps).
fn with_content(outcome: Published, content: String) -> Published {
    match outcome {
        Published::Stored(stored) => Published::Stored(Arc::new(BundleVersion {
            content,
            ..Arc::unwrap_or_clone(stored)
        })),
        other => other,
    }
}

/// A version as announced: everything but the content.
fn without_content(version: &BundleVersion) -> BundleVersion {
    BundleVersion {
        name: version.name.clone(),
        version: version.version,
        content: String::new(),
        hash: version.hash.clone(),
        created_at_ms: version.created_at_ms,
        author: version.author.clone(),
        message: version.message.clone(),
        seq: version.seq,
    }
}

/// Whether `id` has the form of the ids [`Store::create_token`] makes (`tok_` and 12 hex
/// digits).
fn is_token_id(id: &str) -> bool {
    id.strip_prefix("tok_")
        .is_some_and(|hex| hex.len() == 12 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

const AUDIT_INSERT: &str = "INSERT INTO audit_log (at_ms, actor, action, bundle, version, detail)
                            VALUES ($1, $2, $3, $4, $5, $6)";

/// Forwards PostgreSQL's notifications of stored versions to this process's event streams.
/// A notification carries a sequence number only: the relay reads every version after the
/// last it announced, in pages, so it also fills any gap (a lost connection, a notification
/// it did not read).
async fn relay(mut listener: PgListener, store: Store) {
    let mut last_seen = match store.last_seq().await {
        Ok(seq) => seq,
        Err(err) => {
            tracing::error!(error = ?err, "cannot read the newest version; events start from 0");
            0
        }
    };
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let mut newest = notified_seq(&notification);
                // Everything already here is read with one catch-up.
                while let Some(more) = listener.next_buffered() {
                    newest = newest.max(notified_seq(&more));
                }
                if newest > last_seen {
                    catch_up(&store, &mut last_seen).await;
                }
            }
            // The connection was lost and is being re-established: fill the gap from the store.
            Ok(None) => {
                tracing::warn!("PostgreSQL listener reconnected; reading missed versions");
                catch_up(&store, &mut last_seen).await;
            }
            Err(err) => {
                tracing::error!(error = ?err, "PostgreSQL listener failed; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// The sequence number a notification names (`i64::MAX` when unreadable: read the store).
fn notified_seq(notification: &sqlx::postgres::PgNotification) -> i64 {
    notification.payload().trim().parse().unwrap_or_else(|_| {
        tracing::warn!(
            payload = notification.payload(),
            "unreadable version notification"
        );
        i64::MAX
    })
}

/// Announces every version stored after `last_seen`, page by page, until none is left.
async fn catch_up(store: &Store, last_seen: &mut i64) {
    loop {
        match store
            .published_page(*last_seen, None, crate::limits::REPLAY_PAGE)
            .await
        {
            Ok(page) => {
                let full = page.len() >= usize::try_from(crate::limits::REPLAY_PAGE).unwrap_or(0);
                for version in page {
                    *last_seen = (*last_seen).max(version.seq);
                    let _ = store.announce.send(version);
                }
                // Each full page moves `last_seen` on, so this ends.
                if !full {
                    return;
                }
            }
            Err(err) => {
                tracing::error!(error = ?err, "cannot read missed versions");
                return;
            }
        }
    }
}

/// A stored row: sequence, name, version, content, hash, time, author, message.
type FullRow = (i64, String, i64, String, String, i64, String, String);

/// A stored row without its content.
type SummaryRow = (i64, String, i64, String, i64, String, String);

/// A row without its content and when its bundle was archived, if it was.
type ListedRow = (i64, String, i64, String, i64, String, String, Option<i64>);

type TokenRow = (String, String, String, i64, String, Option<i64>);

fn full(
    (seq, name, version, content, hash, created_at_ms, author, message): FullRow,
) -> BundleVersion {
    BundleVersion {
        name,
        version,
        content,
        hash,
        created_at_ms,
        author,
        message,
        seq,
    }
}

/// A version without its content (lists, histories, announcements).
fn summary(
    (seq, name, version, hash, created_at_ms, author, message): SummaryRow,
) -> BundleVersion {
    BundleVersion {
        name,
        version,
        content: String::new(),
        hash,
        created_at_ms,
        author,
        message,
        seq,
    }
}

fn token(
    (id, role, label, created_at_ms, created_by, revoked_at_ms): TokenRow,
) -> anyhow::Result<Token> {
    let role = match role.parse() {
        Ok(role) => role,
        Err(err) => bail!("token {id}: {err}"),
    };
    Ok(Token {
        id,
        role,
        label,
        created_at_ms,
        created_by,
        revoked_at_ms,
    })
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// What is stored of a token's secret.
fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// `sha256:<hex>` of the exact bytes.
pub fn content_hash(content: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(content.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(name: &str, seq: i64, size: usize) -> Arc<BundleVersion> {
        Arc::new(BundleVersion {
            name: name.to_owned(),
            version: seq,
            content: "x".repeat(size),
            hash: content_hash(name),
            created_at_ms: 0,
            author: String::new(),
            message: String::new(),
            seq,
        })
    }

    #[test]
    fn the_newest_content_cache_stays_within_its_budget_dropping_the_least_recently_read() {
        let one = cost(&version("a", 1, 1000));
        let budget = one * 3;
        let mut lru = Lru::default();
        for (seq, name) in ["a", "b", "c"].into_iter().enumerate() {
            lru.put(version(name, seq as i64 + 1, 1000), budget);
        }
        assert_eq!((lru.entries.len(), lru.bytes), (3, budget));
        // `a` is read, so `b` is the least recently used when `d` comes.
        assert!(lru.get("a").is_some());
        lru.put(version("d", 4, 1000), budget);
        assert!(lru.get("b").is_none());
        assert!(["a", "c", "d"].iter().all(|n| lru.get(n).is_some()));
        assert!(lru.bytes <= budget);
        // A newer version replaces the older; an older one never replaces a newer.
        lru.put(version("a", 9, 1000), budget);
        lru.put(version("a", 5, 1000), budget);
        assert_eq!(lru.get("a").unwrap().seq, 9);
        assert_eq!(lru.entries.len(), lru.order.len());
        // Larger than the whole budget: not kept, and the older version is not kept either.
        lru.put(version("a", 10, budget * 2), budget);
        assert!(lru.get("a").is_none());
        assert!(lru.bytes <= budget);
        let counted: usize = lru.entries.values().map(|(v, _)| cost(v)).sum();
        assert_eq!(counted, lru.bytes);
    }

    #[test]
    fn a_read_that_overlapped_a_store_is_not_cached() {
        let cache = LatestCache::new(1 << 20);
        let before = cache.writes.load(Ordering::SeqCst);
        // The writer stores version 2 while a reader reads version 1 from the database.
        cache.stored(version("a", 2, 10));
        cache.lock().remove("a");
        cache.read(version("a", 1, 10), before);
        assert!(
            cache.get("a").is_none(),
            "an older version than stored was kept"
        );
        // A read with no store meanwhile is kept.
        let before = cache.writes.load(Ordering::SeqCst);
        cache.read(version("a", 2, 10), before);
        assert_eq!(cache.get("a").unwrap().seq, 2);
    }
}
