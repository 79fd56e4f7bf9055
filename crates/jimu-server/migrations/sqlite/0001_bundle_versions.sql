-- Every stored version of every bundle. Versions are immutable: a change is a new row.
CREATE TABLE bundle_versions (
    name       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    content    TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL, -- Unix time in milliseconds, from the server clock
    PRIMARY KEY (name, version)
);
