-- The whole schema on PostgreSQL: the same tables as the SQLite migrations end with.
CREATE TABLE bundle_versions (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT   NOT NULL,
    version       BIGINT NOT NULL,
    content       TEXT   NOT NULL,
    hash          TEXT   NOT NULL,
    created_at_ms BIGINT NOT NULL, -- Unix time in milliseconds, from the server clock
    author        TEXT   NOT NULL DEFAULT '',
    message       TEXT   NOT NULL DEFAULT '',
    UNIQUE (name, version)
);

CREATE TABLE bundle_archive (
    name           TEXT   PRIMARY KEY,
    archived_at_ms BIGINT NOT NULL,
    archived_by    TEXT   NOT NULL
);

CREATE TABLE tokens (
    id            TEXT   PRIMARY KEY,
    secret_hash   TEXT   NOT NULL UNIQUE,
    role          TEXT   NOT NULL CHECK (role IN ('reader', 'publisher', 'admin')),
    label         TEXT   NOT NULL,
    created_at_ms BIGINT NOT NULL,
    created_by    TEXT   NOT NULL,
    revoked_at_ms BIGINT
);

CREATE TABLE audit_log (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms   BIGINT NOT NULL,
    actor   TEXT   NOT NULL,
    action  TEXT   NOT NULL,
    bundle  TEXT,
    version BIGINT,
    detail  TEXT   NOT NULL DEFAULT ''
);
