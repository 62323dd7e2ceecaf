-- A generic upload store (core/file-uploads.ts): a file written part by part as it arrives, owned
-- by the module it was sent to and by its sender. DTM keeps its own dtm_upload tables for now.
CREATE TABLE file_upload (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  module      text NOT NULL CHECK (module ~ '^[a-z][a-z0-9-]{0,39}$'),
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  -- Known only once the last part is stored; an incomplete upload is never read.
  sha256      text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes  bigint NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
  parts       integer NOT NULL DEFAULT 0 CHECK (parts >= 0),
  -- What the module sent it for (a country for the response), checked again when it is used.
  scope       text,
  complete    boolean NOT NULL DEFAULT false,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT complete OR sha256 IS NOT NULL)
);
CREATE INDEX file_upload_module_idx ON file_upload (module, created_at);

CREATE TABLE file_upload_part (
  upload_id  bigint NOT NULL REFERENCES file_upload (id) ON DELETE CASCADE,
  part       integer NOT NULL CHECK (part >= 0),
  bytes      bytea NOT NULL,
  PRIMARY KEY (upload_id, part)
);

-- A 5W/3W file imported into the response: its counts and findings, and what makes a second
-- import of the same bytes for the same country and sheet a no-op (the unique key).
CREATE TABLE response_import (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  upload_id    bigint NOT NULL REFERENCES file_upload (id),
  job_id       bigint REFERENCES job (id),
  country      text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  file_name    text NOT NULL,
  sheet_key    text NOT NULL DEFAULT '',
  -- The period given for a file without dates (or for every row when given); null: the rows' dates.
  month        date CHECK (month IS NULL OR extract(day FROM month) = 1),
  rows_read    integer NOT NULL CHECK (rows_read >= 0),
  rows_stored  integer NOT NULL CHECK (rows_stored >= 0),
  result       jsonb NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, sha256, sheet_key)
);
CREATE INDEX response_import_upload_idx ON response_import (upload_id);
CREATE INDEX response_import_job_idx ON response_import (job_id);

-- A report knows the import and the file row it came from, and the provider's own activity text.
ALTER TABLE response_report ADD COLUMN import_id bigint REFERENCES response_import (id);
ALTER TABLE response_report ADD COLUMN import_row integer CHECK (import_row >= 1);
ALTER TABLE response_report ADD COLUMN provider_activity_name text CHECK (length(provider_activity_name) <= 500);
ALTER TABLE response_report ADD CONSTRAINT response_report_import_row_key UNIQUE (import_id, import_row);
ALTER TABLE response_report ADD CONSTRAINT response_report_import_link_check CHECK ((import_id IS NULL) = (import_row IS NULL));
