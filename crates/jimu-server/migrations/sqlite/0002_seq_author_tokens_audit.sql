-- Versions get an explicit, never reused sequence number (the id of the event announcing
-- them; it was the implicit rowid), an author and a message. Archived bundles, tokens and
-- the audit log get their tables. The same schema as migrations/postgres/0001_init.sql.
CREATE TABLE bundle_versions_new (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    content       TEXT    NOT NULL,
    hash          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL, -- Unix time in milliseconds, from the server clock
    author        TEXT    NOT NULL DEFAULT '',
    message       TEXT    NOT NULL DEFAULT '',
    UNIQUE (name, version)
);
INSERT INTO bundle_versions_new (seq, name, version, content, hash, created_at_ms)
    SELECT rowid, name, version, content, hash, created_at_ms FROM bundle_versions ORDER BY rowid;
DROP TABLE bundle_versions;
ALTER TABLE bundle_versions_new RENAME TO bundle_versions;

-- A bundle listed here is archived: kept and readable, left out of the list, not published to.
CREATE TABLE bundle_archive (
    name           TEXT    PRIMARY KEY,
    archived_at_ms INTEGER NOT NULL,
    archived_by    TEXT    NOT NULL
);

-- API tokens: only the SHA-256 of each secret is kept.
CREATE TABLE tokens (
    id            TEXT    PRIMARY KEY,
    secret_hash   TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('reader', 'publisher', 'admin')),
    label         TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    created_by    TEXT    NOT NULL,
    revoked_at_ms INTEGER
);

-- Every write, in the same transaction as the write itself.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms   INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    bundle  TEXT,
    version INTEGER,
    detail  TEXT    NOT NULL DEFAULT ''
);
