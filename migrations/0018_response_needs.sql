-- People in need (HNO caseloads, HPC format) per country, year, place, sector, sex, age and
-- population group, stored as the HNO gives them: the inter-sector figure is its own row
-- (sector_code NULL), never recomputed as a sum of sectors (response/needs.ts).
CREATE TABLE response_need_import (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  rows_stored integer NOT NULL CHECK (rows_stored >= 0),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, year, sha256)
);

CREATE TABLE response_need (
  import_id         bigint NOT NULL REFERENCES response_need_import (id),
  country           text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  year              integer NOT NULL,
  -- 0 national, 1 admin1, 2 admin2; the P-codes as the file gives them (kept even when unknown).
  admin_level       smallint NOT NULL CHECK (admin_level BETWEEN 0 AND 2),
  admin1_pcode      text,
  admin2_pcode      text,
  -- NULL: inter-sector (the HNO's ALL); otherwise an IASC code of response/vocabulary.ts.
  sector_code       text,
  provider_sector   text NOT NULL,
  sex               text NOT NULL CHECK (sex IN ('all', 'f', 'm')),
  age_range         text NOT NULL CHECK (length(age_range) BETWEEN 1 AND 20),
  population_group  text NOT NULL CHECK (length(population_group) BETWEEN 1 AND 40),
  population        numeric CHECK (population >= 0),
  in_need           numeric CHECK (in_need >= 0),
  targeted          numeric CHECK (targeted >= 0),
  affected          numeric CHECK (affected >= 0),
  reached           numeric CHECK (reached >= 0),
  source_row        integer NOT NULL CHECK (source_row >= 1),
  CHECK ((admin_level = 0) = (admin1_pcode IS NULL) AND (admin_level = 2) = (admin2_pcode IS NOT NULL))
);
CREATE INDEX response_need_lookup_idx ON response_need (country, year, admin_level, sector_code);
CREATE INDEX response_need_import_idx ON response_need (import_id);
