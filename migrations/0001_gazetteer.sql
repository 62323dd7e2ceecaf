-- Geography: the gazetteer every figure in Liptako is keyed to.
-- Small shared tables: under Citus they become reference tables (docs/scaling.md).

-- Every geography file ever imported, kept whole (nothing is lost) with its report.
CREATE TABLE geo_import (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  kind          text NOT NULL CHECK (kind IN ('gazetteer', 'boundaries', 'population', 'pcode-lengths')),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- The same bytes with the same options are the same import: importing again is a no-op.
  import_key    text NOT NULL UNIQUE,
  options       jsonb NOT NULL DEFAULT '{}'::jsonb,
  size_bytes    integer NOT NULL CHECK (size_bytes >= 0),
  raw           bytea NOT NULL,
  report        jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per admin unit per version. A boundary reform closes the old version
-- (valid_to) and opens a new one; nothing is deleted, so a lookup "as of" a date works.
CREATE TABLE admin_unit (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pcode           text NOT NULL CHECK (pcode ~ '^[A-Z]{2}[0-9]*$'),
  country         text NOT NULL CHECK (country ~ '^[A-Z]{2}$' AND left(pcode, 2) = country),
  level           smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
  parent_pcode    text CHECK ((level = 0) = (parent_pcode IS NULL)),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Folded name (accents, case, punctuation) for search; computed by the application.
  name_key        text NOT NULL,
  alt_names       text[] NOT NULL DEFAULT '{}',
  valid_from      date NOT NULL,
  valid_to        date CHECK (valid_to IS NULL OR valid_to > valid_from),
  source_import_id bigint REFERENCES geo_import (id),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (pcode, valid_from)
);

CREATE INDEX admin_unit_country_level_idx ON admin_unit (country, level, valid_from);
CREATE INDEX admin_unit_parent_idx ON admin_unit (parent_pcode);
CREATE INDEX admin_unit_name_key_idx ON admin_unit (name_key);
CREATE INDEX admin_unit_source_import_idx ON admin_unit (source_import_id);
