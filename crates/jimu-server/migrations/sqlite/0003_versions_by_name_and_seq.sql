-- A bundle's versions in the order they were stored: one bundle's event stream replays
-- through this index in pages, whatever else was published meanwhile.
CREATE INDEX bundle_versions_name_seq ON bundle_versions (name, seq);
