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
    /// Its place in the store-wide order of publishes: the id of the event announcing it.
    #[serde(skip)]
    pub seq: i64,
}

/// What a conditional publish expects of the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect<'a> {
    /// Its newest version has this content hash (`If-Match`).
    Current(&'a str),
    /// It has no version yet (`If-None-Match: *`).
    Absent,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Each stored version, announced to the event streams of this process.
    announce: tokio::sync::broadcast::Sender<BundleVersion>,
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
        let (announce, _) = tokio::sync::broadcast::channel(1024);
        Ok(Self { pool, announce })
    }

    /// New versions as they are stored (contents left out). Subscribe before reading what was
    /// missed ([`Self::published_since`]) so nothing falls between the two.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<BundleVersion> {
        self.announce.subscribe()
    }

    /// The sequence number of the newest version stored (0 when there is none).
    pub async fn last_seq(&self) -> anyhow::Result<i64> {
        let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM bundle_versions")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq)
    }

    /// Whether the database answers (a read on the pool).
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Version `version` of a bundle, if it exists.
    pub async fn version(&self, name: &str, version: i64) -> anyhow::Result<Option<BundleVersion>> {
        let row = sqlx::query_as::<_, FullRow>(
            "SELECT rowid, name, version, content, hash, created_at_ms FROM bundle_versions
             WHERE name = ? AND version = ?",
        )
        .bind(name)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(full))
    }

    /// Every version of a bundle, newest first, without their contents (empty when unknown).
    pub async fn history(&self, name: &str) -> anyhow::Result<Vec<BundleVersion>> {
        let rows = sqlx::query_as::<_, SummaryRow>(
            "SELECT rowid, name, version, hash, created_at_ms FROM bundle_versions
             WHERE name = ? ORDER BY version DESC",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(summary).collect())
    }

    /// The newest version of every bundle, by name, without their contents.
    pub async fn list(&self) -> anyhow::Result<Vec<BundleVersion>> {
        let rows = sqlx::query_as::<_, SummaryRow>(
            "SELECT v.rowid, v.name, v.version, v.hash, v.created_at_ms FROM bundle_versions v
             JOIN (SELECT name, MAX(version) AS version FROM bundle_versions GROUP BY name) l
               ON l.name = v.name AND l.version = v.version
             ORDER BY v.name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(summary).collect())
    }

    /// Versions published after event `after` (all bundles, or only `name`), oldest first,
    /// without their contents: what a deployment that reconnects has missed.
    pub async fn published_since(
        &self,
        after: i64,
        name: Option<&str>,
    ) -> anyhow::Result<Vec<BundleVersion>> {
        let rows = sqlx::query_as::<_, SummaryRow>(
            "SELECT rowid, name, version, hash, created_at_ms FROM bundle_versions
             WHERE rowid > ?1 AND (?2 IS NULL OR name = ?2) ORDER BY rowid",
        )
        .bind(after)
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(summary).collect())
    }

    /// The newest version of a bundle, if it has any.
    pub async fn latest(&self, name: &str) -> anyhow::Result<Option<BundleVersion>> {
        let row = sqlx::query_as::<_, FullRow>(
            "SELECT rowid, name, version, content, hash, created_at_ms FROM bundle_versions
             WHERE name = ? ORDER BY version DESC LIMIT 1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(full))
    }

    /// Stores `content` as the next version of `name` only when the bundle is as `expect`ed;
    /// `None` when it is not (nothing stored). The check, the version number and the insert are
    /// one statement, so of many writers expecting the same version exactly one succeeds.
    pub async fn put_if(
        &self,
        name: &str,
        content: &str,
        expect: Expect<'_>,
    ) -> anyhow::Result<Option<BundleVersion>> {
        let hash = content_hash(content);
        let created_at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        // The hash the newest version must have; none: the bundle must not exist yet.
        let hash_expected = match expect {
            Expect::Current(hash) => Some(hash),
            Expect::Absent => None,
        };
        // A writer that lost a race to another connection (SQLite: a busy snapshot; the primary
        // key on (name, version) in any case) looks again: when the bundle moved on, its
        // expectation is stale (`None`); otherwise it tries again.
        let mut attempt = 0;
        let version = loop {
            attempt += 1;
            match self
                .insert_if(name, content, &hash, created_at_ms, hash_expected)
                .await
            {
                Ok(version) => break version,
                Err(err) if attempt < 5 => {
                    let latest = self.latest(name).await?;
                    let holds = match expect {
                        Expect::Current(want) => latest.is_some_and(|l| l.hash == want),
                        Expect::Absent => latest.is_none(),
                    };
                    if !holds {
                        break None;
                    }
                    tracing::debug!(%err, attempt, "publish raced another writer; trying again");
                }
                Err(err) => return Err(err),
            }
        };
        let stored = version.map(|(version, seq)| BundleVersion {
            name: name.to_owned(),
            version,
            content: content.to_owned(),
            hash,
            created_at_ms,
            seq,
        });
        if let Some(stored) = &stored {
            // No subscriber is fine: nobody is listening.
            let _ = self.announce.send(BundleVersion {
                content: String::new(),
                ..stored.clone()
            });
        }
        Ok(stored)
    }

    async fn insert_if(
        &self,
        name: &str,
        content: &str,
        hash: &str,
        created_at_ms: i64,
        hash_expected: Option<&str>,
    ) -> anyhow::Result<Option<(i64, i64)>> {
        let version: Option<(i64, i64)> = sqlx::query_as(
            "INSERT INTO bundle_versions (name, version, content, hash, created_at_ms)
             SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4 FROM bundle_versions WHERE name = ?1
             HAVING CASE
                 WHEN ?5 IS NOT NULL THEN ?5 = (SELECT hash FROM bundle_versions WHERE name = ?1
                                               ORDER BY version DESC LIMIT 1)
                 ELSE COUNT(*) = 0
             END
             RETURNING version, rowid",
        )
        .bind(name)
        .bind(content)
        .bind(hash)
        .bind(created_at_ms)
        .bind(hash_expected)
        .fetch_optional(&self.pool)
        .await?;
        Ok(version)
    }
}

/// A stored row: sequence, name, version, content, hash, creation time.
type FullRow = (i64, String, i64, String, String, i64);

/// A stored row without its content.
type SummaryRow = (i64, String, i64, String, i64);

fn full((seq, name, version, content, hash, created_at_ms): FullRow) -> BundleVersion {
    BundleVersion {
        name,
        version,
        content,
        hash,
        created_at_ms,
        seq,
    }
}

/// A version without its content (lists, histories, announcements).
fn summary((seq, name, version, hash, created_at_ms): SummaryRow) -> BundleVersion {
    BundleVersion {
        name,
        version,
        content: String::new(),
        hash,
        created_at_ms,
        seq,
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
