-- Plans and funding: the response plan as data, and every contribution to it.
-- Amounts are numeric USD (cents); people-targeted figures are stored as given, never summed.

CREATE TABLE plan_import (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  kind        text NOT NULL CHECK (kind IN ('plan-definition', 'fts-requirements', 'fts-flows')),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  import_key  text NOT NULL UNIQUE,
  size_bytes  integer NOT NULL CHECK (size_bytes >= 0),
  raw         bytea NOT NULL,
  report      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan (
  id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code                        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  name_en                     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
  name_fr                     text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 300),
  plan_type                   text NOT NULL CHECK (plan_type IN ('crisis-response-plan', 'humanitarian-response-plan', 'regional-response-plan', 'flash-appeal', 'other')),
  start_date                  date NOT NULL,
  end_date                    date NOT NULL CHECK (end_date >= start_date),
  countries                   text[] NOT NULL DEFAULT '{}',
  currency                    text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  status                      text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'archived')),
  original_requirements_usd   numeric(16, 2) CHECK (original_requirements_usd >= 0),
  revised_requirements_usd    numeric(16, 2) CHECK (revised_requirements_usd >= 0),
  people_targeted             bigint CHECK (people_targeted >= 0),
  people_targeted_description text,
  entities_targeted           integer CHECK (entities_targeted >= 0),
  target_groups               text[] NOT NULL DEFAULT '{}',
  -- Funding as reported by an outside source (FTS) when Liptako does not hold the flows.
  reported_funding_usd        numeric(16, 2) CHECK (reported_funding_usd >= 0),
  reported_funding_source     text,
  reported_funding_as_of      date,
  fts_plan_id                 integer,
  source_import_id            bigint REFERENCES plan_import (id),
  version                     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_source_import_idx ON plan (source_import_id);

CREATE TABLE plan_objective (
  id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id                     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
  position                    smallint NOT NULL CHECK (position >= 1),
  name_en                     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 500),
  name_fr                     text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 500),
  original_requirements_usd   numeric(16, 2) CHECK (original_requirements_usd >= 0),
  revised_requirements_usd    numeric(16, 2) CHECK (revised_requirements_usd >= 0),
  people_targeted             bigint CHECK (people_targeted >= 0),
  people_targeted_description text,
  version                     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  UNIQUE (plan_id, position),
  UNIQUE (plan_id, id)
);

CREATE TABLE plan_activity_area (
  id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id                     bigint NOT NULL,
  objective_id                bigint NOT NULL,
  position                    smallint NOT NULL CHECK (position >= 1),
  code                        text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
  name_en                     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
  name_fr                     text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 300),
  -- Global cluster / sector code (HDX HAPI list) so 4W reports and FTS flows can join.
  sector_code                 text NOT NULL CHECK (sector_code IN ('SHL', 'CCM', 'WSH', 'HEA', 'PRO', 'PRO-GBV', 'PRO-CPN', 'PRO-HLP', 'PRO-MIN', 'FSC', 'NUT', 'EDU', 'ERY', 'LOG', 'TEL', 'MHP', 'CSS', 'DRR', 'DTM', 'OTH')),
  original_requirements_usd   numeric(16, 2) CHECK (original_requirements_usd >= 0),
  revised_requirements_usd    numeric(16, 2) CHECK (revised_requirements_usd >= 0),
  people_targeted             bigint CHECK (people_targeted >= 0),
  people_targeted_description text,
  target_groups               text[] NOT NULL DEFAULT '{}',
  entities_targeted           integer CHECK (entities_targeted >= 0),
  version                     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  FOREIGN KEY (plan_id, objective_id) REFERENCES plan_objective (plan_id, id) ON DELETE CASCADE,
  UNIQUE (plan_id, code),
  UNIQUE (plan_id, id)
);
CREATE INDEX plan_activity_area_objective_idx ON plan_activity_area (plan_id, objective_id);

-- Optional per-country lines of a plan (or of one of its activity areas).
CREATE TABLE plan_country_line (
  id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id                     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
  activity_area_id            bigint,
  country                     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  original_requirements_usd   numeric(16, 2) CHECK (original_requirements_usd >= 0),
  revised_requirements_usd    numeric(16, 2) CHECK (revised_requirements_usd >= 0),
  people_targeted             bigint CHECK (people_targeted >= 0),
  version                     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  FOREIGN KEY (plan_id, activity_area_id) REFERENCES plan_activity_area (plan_id, id) ON DELETE CASCADE,
  UNIQUE NULLS NOT DISTINCT (plan_id, activity_area_id, country)
);
CREATE INDEX plan_country_line_area_idx ON plan_country_line (plan_id, activity_area_id);

-- Who changed what and when, for every versioned plan record and contribution.
CREATE TABLE plan_change (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id     bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
  entity      text NOT NULL CHECK (entity IN ('plan', 'objective', 'activity-area', 'country-line', 'contribution')),
  entity_id   bigint NOT NULL,
  field       text NOT NULL,
  old_value   jsonb,
  new_value   jsonb,
  reason      text,
  changed_by  text NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_change_plan_idx ON plan_change (plan_id, changed_at);

CREATE TABLE contribution (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id           bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
  donor             text NOT NULL CHECK (length(donor) BETWEEN 1 AND 300),
  fts_flow_id       text UNIQUE CHECK (fts_flow_id ~ '^[0-9A-Za-z-]{1,40}$'),
  currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount_original   numeric(18, 2) NOT NULL CHECK (amount_original > 0),
  -- USD per one unit of the original currency, and how it was obtained.
  exchange_rate     numeric(30, 18) NOT NULL CHECK (exchange_rate > 0),
  rate_basis        text NOT NULL CHECK (rate_basis IN ('usd', 'direct', 'eur-peg', 'fts')),
  amount_usd        numeric(16, 2) NOT NULL CHECK (amount_usd >= 0),
  status            text NOT NULL CHECK (status IN ('pledge', 'commitment', 'paid')),
  pledged_on        date,
  committed_on      date,
  paid_on           date,
  earmark_level     text NOT NULL CHECK (earmark_level IN ('plan', 'objective', 'activity-area', 'country')),
  objective_id      bigint,
  activity_area_id  bigint,
  country           text CHECK (country ~ '^[A-Z]{2}$'),
  description       text CHECK (length(description) <= 2000),
  source_import_id  bigint REFERENCES plan_import (id),
  version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- Earmarking points inside the same plan: the schema refuses an area of another plan.
  FOREIGN KEY (plan_id, objective_id) REFERENCES plan_objective (plan_id, id),
  FOREIGN KEY (plan_id, activity_area_id) REFERENCES plan_activity_area (plan_id, id),
  CHECK (
    (earmark_level = 'plan' AND objective_id IS NULL AND activity_area_id IS NULL AND country IS NULL) OR
    (earmark_level = 'objective' AND objective_id IS NOT NULL AND activity_area_id IS NULL) OR
    (earmark_level = 'activity-area' AND activity_area_id IS NOT NULL) OR
    (earmark_level = 'country' AND country IS NOT NULL AND activity_area_id IS NULL AND objective_id IS NULL)
  ),
  CHECK (status <> 'commitment' OR committed_on IS NOT NULL),
  CHECK (status <> 'paid' OR paid_on IS NOT NULL),
  CHECK (committed_on IS NULL OR pledged_on IS NULL OR committed_on >= pledged_on),
  CHECK (paid_on IS NULL OR pledged_on IS NULL OR paid_on >= pledged_on),
  CHECK (paid_on IS NULL OR committed_on IS NULL OR paid_on >= committed_on)
);
CREATE INDEX contribution_plan_idx ON contribution (plan_id, status);
CREATE INDEX contribution_objective_idx ON contribution (plan_id, objective_id);
CREATE INDEX contribution_area_idx ON contribution (plan_id, activity_area_id);
CREATE INDEX contribution_import_idx ON contribution (source_import_id);
