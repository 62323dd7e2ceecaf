-- What published answers depend on, and the version each is at. A version changes in the same
-- transaction as the data it stands for (a round published, a contribution recorded, a geography
-- imported), so a cached answer and its ETag are valid exactly as long as the versions they were
-- computed from. Versions are random rather than counted: a rolled-back change, a restored
-- backup or another database never hands out a version that was already used for other data.
CREATE TABLE data_version (
  key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
  version text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
