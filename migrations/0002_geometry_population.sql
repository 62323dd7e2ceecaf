-- Boundaries and population attached to a version of an admin unit.

-- Geometry is GeoJSON (no PostGIS dependency: PGlite and a plain PostgreSQL both run it).
-- The simplified copy keeps shared borders and is what maps load; the full one is on request.
CREATE TABLE admin_unit_geometry (
  unit_id         bigint PRIMARY KEY REFERENCES admin_unit (id) ON DELETE CASCADE,
  geometry        jsonb NOT NULL,
  simplified      jsonb NOT NULL,
  bbox            double precision[] NOT NULL CHECK (cardinality(bbox) = 4),
  vertex_count    integer NOT NULL CHECK (vertex_count > 0),
  geometry_sha256 text NOT NULL,
  import_id       bigint NOT NULL REFERENCES geo_import (id),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_unit_geometry_import_idx ON admin_unit_geometry (import_id);

-- COD-PS population: one row per unit and reference year.
CREATE TABLE admin_unit_population (
  unit_id      bigint NOT NULL REFERENCES admin_unit (id) ON DELETE CASCADE,
  year         smallint NOT NULL CHECK (year BETWEEN 1950 AND 2100),
  total        bigint NOT NULL CHECK (total >= 0),
  female       bigint CHECK (female >= 0),
  male         bigint CHECK (male >= 0),
  by_age_sex   jsonb NOT NULL DEFAULT '{}'::jsonb,
  import_id    bigint NOT NULL REFERENCES geo_import (id),
  PRIMARY KEY (unit_id, year),
  CHECK (female IS NULL OR male IS NULL OR female + male <= total)
);
CREATE INDEX admin_unit_population_import_idx ON admin_unit_population (import_id);
