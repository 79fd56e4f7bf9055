//! Bundle storage: every version of every bundle, immutable once written, in SQLite.

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// One stored version of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BundleVersion {
    pub name: String,
    pub version: i64,
    /// The bundle JSON exactly as it was published.
    #[serde(skip)]
    pub content: String,
    /// `sha256:` and the hex digest of the content: the strong ETag.
    pub hash: String,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating when missing) `jimu.sqlite3` in `dir`, in WAL mode, and migrates it.
    pub async fn open_sqlite_dir(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let options = SqliteConnectOptions::new()
            .filename(dir.join("jimu.sqlite3"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database in {}", dir.display()))?;
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot migrate the database")?;
        Ok(Self { pool })
    }

    /// The newest version of a bundle, if it has any.
    pub async fn latest(&self, name: &str) -> anyhow::Result<Option<BundleVersion>> {
        let row = sqlx::query_as::<_, (String, i64, String, String, i64)>(
            "SELECT name, version, content, hash, created_at_ms FROM bundle_versions
             WHERE name = ? ORDER BY version DESC LIMIT 1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(name, version, content, hash, created_at_ms)| BundleVersion {
                name,
                version,
                content,
                hash,
                created_at_ms,
            },
        ))
    }

    /// Stores `content` as the next version of `name`. The version number is assigned in the
    /// same statement as the insert, so concurrent writers can never take the same number.
    pub async fn put(&self, name: &str, content: &str) -> anyhow::Result<BundleVersion> {
        let hash = content_hash(content);
        let created_at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let version: i64 = sqlx::query_scalar(
            "INSERT INTO bundle_versions (name, version, content, hash, created_at_ms)
             SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4 FROM bundle_versions WHERE name = ?1
             RETURNING version",
        )
        .bind(name)
        .bind(content)
        .bind(&hash)
        .bind(created_at_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(BundleVersion {
            name: name.to_owned(),
            version,
            content: content.to_owned(),
            hash,
            created_at_ms,
        })
    }
}

/// `sha256:<hex>` of the exact bytes.
pub fn content_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}
