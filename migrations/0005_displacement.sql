-- Displacement tracking (DTM): operations, rounds, locations, figures, imports, data quality,
-- and the job table every long piece of work reports its progress in.
--
-- Every large table carries operation_id first in its primary key: it is the distribution
-- column when the database grows into Citus (docs/scaling.md).

CREATE TABLE job (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9.-]{1,40}$'),
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
  phase         text,
  done          bigint NOT NULL DEFAULT 0 CHECK (done >= 0),
  total         bigint CHECK (total >= 0),
  input         jsonb NOT NULL DEFAULT '{}'::jsonb,
  result        jsonb,
  error         jsonb,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX job_running_idx ON job (status) WHERE status = 'running';

CREATE TABLE dtm_operation (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code                     text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  -- DTM's own name (English), as the DTM API spells it: 'Mali Conflict'.
  name                     text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  name_fr                  text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  country                  text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  age_ranges               text[] NOT NULL DEFAULT ARRAY['0-4', '5-17', '18-59', '60+']
                           CHECK (cardinality(age_ranges) BETWEEN 1 AND 5),
  household_size_min       numeric(5, 2) NOT NULL DEFAULT 2 CHECK (household_size_min > 0),
  household_size_max       numeric(5, 2) NOT NULL DEFAULT 12 CHECK (household_size_max > household_size_min),
  change_threshold_pct     numeric(6, 2) NOT NULL DEFAULT 50 CHECK (change_threshold_pct > 0),
  change_threshold_people  integer NOT NULL DEFAULT 500 CHECK (change_threshold_people >= 0),
  created_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dtm_round (
  operation_id      bigint NOT NULL REFERENCES dtm_operation (id),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  -- Numbers restart per operation; one number may have a baseline (BA) and a site (SA) assessment.
  number            integer NOT NULL CHECK (number BETWEEN 1 AND 10000),
  assessment_type   text NOT NULL CHECK (assessment_type IN ('BA', 'SA')),
  reference_date    date NOT NULL,
  collection_start  date,
  collection_end    date,
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'validated', 'published')),
  validated_by      text,
  validated_at      timestamptz,
  published_by      text,
  published_at      timestamptz,
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  PRIMARY KEY (operation_id, id),
  UNIQUE (operation_id, number, assessment_type),
  CHECK (collection_end IS NULL OR collection_start IS NULL OR collection_end >= collection_start)
);
CREATE INDEX dtm_round_id_idx ON dtm_round (id);

-- A place key informants report on: a village, a neighbourhood, a site, or for baseline area
-- assessments the admin area itself. Matched across rounds by its code.
CREATE TABLE dtm_location (
  operation_id     bigint NOT NULL REFERENCES dtm_operation (id),
  id               bigint GENERATED ALWAYS AS IDENTITY,
  code             text NOT NULL CHECK (length(code) BETWEEN 1 AND 100),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  admin1_pcode     text NOT NULL,
  admin2_pcode     text NOT NULL,
  admin3_pcode     text,
  location_type    text NOT NULL CHECK (location_type IN ('village', 'neighbourhood', 'site', 'admin-area')),
  settlement_type  text CHECK (settlement_type IN ('host-community', 'camp', 'spontaneous-site', 'collective-centre', 'other')),
  latitude         double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude        double precision CHECK (longitude BETWEEN -180 AND 180),
  PRIMARY KEY (operation_id, id),
  UNIQUE (operation_id, code)
);
CREATE INDEX dtm_location_admin2_idx ON dtm_location (operation_id, admin2_pcode);

-- A confirmed column mapping, found again by the file's template (its folded headers).
CREATE TABLE dtm_column_map (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  template_key  text NOT NULL UNIQUE CHECK (template_key ~ '^[0-9a-f]{32}$'),
  headers       text[] NOT NULL,
  mapping       jsonb NOT NULL,
  created_by    text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A file as uploaded: kept as it came (the raw file of every import), in parts so that a file
-- of hundreds of megabytes never has to be one value in memory or on the wire.
CREATE TABLE dtm_upload (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
  parts       integer NOT NULL DEFAULT 0 CHECK (parts >= 0),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dtm_upload_part (
  upload_id  bigint NOT NULL REFERENCES dtm_upload (id) ON DELETE CASCADE,
  part       integer NOT NULL CHECK (part >= 0),
  bytes      bytea NOT NULL,
  PRIMARY KEY (upload_id, part)
);

CREATE TABLE dtm_import (
  operation_id  bigint NOT NULL REFERENCES dtm_operation (id),
  id            bigint GENERATED ALWAYS AS IDENTITY,
  round_id      bigint NOT NULL,
  job_id        bigint REFERENCES job (id),
  file_name     text NOT NULL,
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
  -- The raw file, kept as uploaded.
  upload_id     bigint NOT NULL REFERENCES dtm_upload (id),
  sheet         text,
  header_row    integer NOT NULL,
  mapping       jsonb NOT NULL,
  rows_read     integer NOT NULL CHECK (rows_read >= 0),
  rows_stored   integer NOT NULL CHECK (rows_stored >= 0),
  errors        integer NOT NULL DEFAULT 0,
  warnings      integer NOT NULL DEFAULT 0,
  -- A later import into the same draft round replaces this one's figures.
  superseded    boolean NOT NULL DEFAULT false,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (operation_id, id),
  FOREIGN KEY (operation_id, round_id) REFERENCES dtm_round (operation_id, id)
);
CREATE UNIQUE INDEX dtm_import_same_file_idx ON dtm_import (operation_id, round_id, sha256) WHERE NOT superseded;
CREATE INDEX dtm_import_round_idx ON dtm_import (operation_id, round_id);
CREATE INDEX dtm_import_job_idx ON dtm_import (job_id);
CREATE INDEX dtm_import_upload_idx ON dtm_import (upload_id);

-- One wide row per round, location and population group. Disaggregation is in typed columns
-- (f1…f5, m1…m5 are the operation's age ranges in order) so aggregates are plain SUMs.
CREATE TABLE dtm_figure (
  operation_id         bigint NOT NULL,
  round_id             bigint NOT NULL,
  id                   bigint GENERATED ALWAYS AS IDENTITY,
  import_id            bigint NOT NULL,
  source_row           integer NOT NULL CHECK (source_row >= 1),
  location_id          bigint NOT NULL,
  admin1_pcode         text NOT NULL,
  admin2_pcode         text NOT NULL,
  population_group     text NOT NULL CHECK (population_group IN ('idp', 'returnee', 'returnee-abroad')),
  households           integer CHECK (households >= 0),
  individuals          integer NOT NULL CHECK (individuals >= 0),
  females              integer CHECK (females >= 0),
  males                integer CHECK (males >= 0),
  f1 integer CHECK (f1 >= 0), f2 integer CHECK (f2 >= 0), f3 integer CHECK (f3 >= 0), f4 integer CHECK (f4 >= 0), f5 integer CHECK (f5 >= 0),
  m1 integer CHECK (m1 >= 0), m2 integer CHECK (m2 >= 0), m3 integer CHECK (m3 >= 0), m4 integer CHECK (m4 >= 0), m5 integer CHECK (m5 >= 0),
  reason               text NOT NULL DEFAULT 'not-reported' CHECK (reason IN ('conflict', 'insecurity', 'natural-disaster', 'other', 'not-reported')),
  origin_admin1_pcode  text,
  origin_admin2_pcode  text,
  arrival_period       text CHECK (length(arrival_period) <= 40),
  assessed_on          date,
  -- No foreign keys here: figures are only ever written by the import's final INSERT … SELECT,
  -- which joins the round, the import and the locations it has just written; per-row key checks
  -- on hundreds of thousands of rows would double the cost of that swap (bench/dtm.ts).
  PRIMARY KEY (operation_id, round_id, id)
);
CREATE UNIQUE INDEX dtm_figure_location_idx ON dtm_figure (operation_id, round_id, location_id, population_group);
CREATE INDEX dtm_figure_admin2_idx ON dtm_figure (operation_id, round_id, admin2_pcode);

-- Rows of an import being read, outside the round until the final swap. A crash leaves rows
-- here (with their job) and nothing in the round; they are swept when the job is marked interrupted.
CREATE UNLOGGED TABLE dtm_figure_stage (
  job_id               bigint NOT NULL,
  source_row           integer NOT NULL,
  location_code        text NOT NULL,
  location_name        text NOT NULL,
  location_type        text NOT NULL,
  settlement_type      text,
  latitude             double precision,
  longitude            double precision,
  admin1_pcode         text NOT NULL,
  admin2_pcode         text NOT NULL,
  admin3_pcode         text,
  population_group     text NOT NULL,
  households           integer,
  individuals          integer NOT NULL,
  females              integer,
  males                integer,
  f1 integer, f2 integer, f3 integer, f4 integer, f5 integer,
  m1 integer, m2 integer, m3 integer, m4 integer, m5 integer,
  reason               text NOT NULL,
  origin_admin1_pcode  text,
  origin_admin2_pcode  text,
  arrival_period       text,
  assessed_on          date
);
CREATE INDEX dtm_figure_stage_job_idx ON dtm_figure_stage (job_id);

-- Data-quality findings: errors block publication, warnings need a reviewer's decision.
CREATE TABLE dtm_issue (
  operation_id  bigint NOT NULL,
  round_id      bigint NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  import_id     bigint,
  source_row    integer,
  column_name   text,
  value         text,
  rule          text NOT NULL CHECK (rule ~ '^[a-z][a-zA-Z0-9.]{1,60}$'),
  severity      text NOT NULL CHECK (severity IN ('error', 'warning')),
  params        jsonb NOT NULL DEFAULT '{}'::jsonb,
  location_id   bigint,
  figure_id     bigint,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'fixed', 'excluded')),
  decided_by    text,
  decided_at    timestamptz,
  comment       text CHECK (length(comment) <= 1000),
  PRIMARY KEY (operation_id, round_id, id),
  FOREIGN KEY (operation_id, round_id) REFERENCES dtm_round (operation_id, id),
  CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE INDEX dtm_issue_open_idx ON dtm_issue (operation_id, round_id, severity) WHERE status = 'open';

-- Totals per round, admin2, population group, reason and origin region: what dashboards, maps
-- and the public APIs read. Rebuilt for a round whenever its figures change (import, fix).
CREATE TABLE dtm_summary (
  operation_id         bigint NOT NULL,
  round_id             bigint NOT NULL,
  admin1_pcode         text NOT NULL,
  admin2_pcode         text NOT NULL,
  population_group     text NOT NULL,
  reason               text NOT NULL,
  origin_admin1_pcode  text NOT NULL DEFAULT '',
  locations            integer NOT NULL,
  households           bigint NOT NULL,
  individuals          bigint NOT NULL,
  females              bigint NOT NULL,
  males                bigint NOT NULL,
  f1 bigint NOT NULL, f2 bigint NOT NULL, f3 bigint NOT NULL, f4 bigint NOT NULL, f5 bigint NOT NULL,
  m1 bigint NOT NULL, m2 bigint NOT NULL, m3 bigint NOT NULL, m4 bigint NOT NULL, m5 bigint NOT NULL,
  PRIMARY KEY (operation_id, round_id, admin2_pcode, population_group, reason, origin_admin1_pcode),
  FOREIGN KEY (operation_id, round_id) REFERENCES dtm_round (operation_id, id)
);

-- Who may do what with displacement data (roles are data: migrations/0004_access_audit.sql).
UPDATE role SET verbs = verbs || ARRAY['dtm.read', 'dtm.import', 'dtm.review', 'dtm.publish'] WHERE code IN ('administrator', 'im-officer');
UPDATE role SET verbs = verbs || ARRAY['dtm.read', 'dtm.import'] WHERE code = 'enumerator';
UPDATE role SET verbs = verbs || ARRAY['dtm.read'] WHERE code IN ('programme-manager', 'partner-reporter', 'viewer', 'public');
