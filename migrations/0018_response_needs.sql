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

-- Sphere checks (response/sphere.ts): an activity may declare what its items count for a Sphere
-- indicator (latrines built, taps, litres of water a day, m² of covered space…); the thresholds
-- are stored with their source and edited by IM officers.
ALTER TABLE response_activity ADD COLUMN sphere_indicator text
  CHECK (sphere_indicator IN ('latrines', 'taps', 'handpumps', 'wells', 'water_litres_per_day', 'covered_m2'));

CREATE TABLE response_sphere_threshold (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,60}$'),
  indicator   text NOT NULL CHECK (indicator IN ('latrines', 'taps', 'handpumps', 'wells', 'water_litres_per_day', 'covered_m2')),
  -- people_per_unit: people served / units (per latrine, per tap); units_per_person: units / people (litres, m²).
  ratio       text NOT NULL CHECK (ratio IN ('people_per_unit', 'units_per_person')),
  comparison  text NOT NULL CHECK (comparison IN ('above', 'below')),
  value       numeric NOT NULL CHECK (value > 0),
  phase       text NOT NULL CHECK (phase IN ('acute', 'after', 'all')),
  label_fr    text NOT NULL CHECK (length(label_fr) BETWEEN 1 AND 200),
  label_en    text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 200),
  source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  changed_by  text,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO response_sphere_threshold (code, indicator, ratio, comparison, value, phase, label_fr, label_en, source) VALUES
  ('people_per_latrine_acute', 'latrines', 'people_per_unit', 'above', 50, 'acute', 'Personnes par latrine (phase aiguë)', 'People per latrine (acute phase)', 'Sphere Handbook 2018, WASH standard 3.2'),
  ('people_per_latrine_after', 'latrines', 'people_per_unit', 'above', 20, 'after', 'Personnes par latrine (après la phase aiguë)', 'People per latrine (after the acute phase)', 'Sphere Handbook 2018, WASH standard 3.2'),
  ('water_litres_per_person_day', 'water_litres_per_day', 'units_per_person', 'below', 15, 'all', 'Litres d''eau par personne et par jour', 'Litres of water per person per day', 'Sphere Handbook 2018, WASH standard 2.1'),
  ('people_per_tap', 'taps', 'people_per_unit', 'above', 250, 'all', 'Personnes par robinet', 'People per tap', 'Sphere Handbook 2018, WASH standard 2.1'),
  ('people_per_handpump', 'handpumps', 'people_per_unit', 'above', 500, 'all', 'Personnes par pompe à main', 'People per hand pump', 'Sphere Handbook 2018, WASH standard 2.1'),
  ('people_per_well', 'wells', 'people_per_unit', 'above', 400, 'all', 'Personnes par puits ouvert', 'People per open well', 'Sphere Handbook 2018, WASH standard 2.1'),
  ('covered_m2_per_person', 'covered_m2', 'units_per_person', 'below', 3.5, 'all', 'Surface couverte par personne (m²)', 'Covered living space per person (m²)', 'Sphere Handbook 2018, Shelter standard 3');
