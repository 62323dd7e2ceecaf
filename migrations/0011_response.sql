-- Partner activity reporting (4W/5W): organisations as the response knows them, sectors and
-- their local labels, activities tied to the plan's activity areas, reporting periods with
-- locks, and activity reports with their approval workflow (src/response, docs/response.md).

-- An organisation of the access module (organisation) as the response names it: its HAPI
-- org-type code and its folded acronym and name (case, accents and spaces only), each unique.
CREATE TABLE response_organisation (
  organisation_id  bigint PRIMARY KEY REFERENCES organisation (id),
  acronym          text NOT NULL CHECK (length(acronym) BETWEEN 1 AND 40),
  acronym_key      text NOT NULL UNIQUE,
  name_key         text NOT NULL UNIQUE,
  org_type_code    text NOT NULL CHECK (org_type_code ~ '^4[0-9]{2}$'),
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Other spellings a person confirmed as the same organisation ("A.C.F." for ACF).
CREATE TABLE response_org_alias (
  alias_key        text PRIMARY KEY,
  alias            text NOT NULL CHECK (length(alias) BETWEEN 1 AND 300),
  organisation_id  bigint NOT NULL REFERENCES response_organisation (organisation_id),
  confirmed_by     text NOT NULL,
  confirmed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX response_org_alias_organisation_idx ON response_org_alias (organisation_id);

-- Local sector labels beyond the built-in ones (src/response/vocabulary.ts), confirmed by a person.
CREATE TABLE response_sector_label (
  label_key     text PRIMARY KEY,
  label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  sector_code   text NOT NULL,
  confirmed_by  text NOT NULL,
  confirmed_at  timestamptz NOT NULL DEFAULT now()
);

-- What partners do, with its indicator's unit and how it adds up; optionally counting towards a
-- plan's activity area.
CREATE TABLE response_activity (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code              text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$'),
  sector_code       text NOT NULL,
  name_en           text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
  name_fr           text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 300),
  plan_id           bigint,
  activity_area_id  bigint,
  unit              text NOT NULL CHECK (unit IN ('people', 'households', 'items', 'money')),
  aggregation       text NOT NULL CHECK (aggregation IN ('max', 'sum')),
  FOREIGN KEY (plan_id, activity_area_id) REFERENCES plan_activity_area (plan_id, id),
  CHECK ((plan_id IS NULL) = (activity_area_id IS NULL)),
  -- People are never summed across activities; items and money always add.
  CHECK ((unit IN ('people', 'households')) = (aggregation = 'max'))
);
CREATE INDEX response_activity_area_idx ON response_activity (plan_id, activity_area_id);

-- A country's reporting month: open → closed → locked (unlocked by its own verb, with a reason).
CREATE TABLE response_period (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  month       date NOT NULL CHECK (extract(day FROM month) = 1),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'locked')),
  version     integer NOT NULL DEFAULT 1,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, month)
);

-- One 5W row.
CREATE TABLE response_report (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  period_id               bigint NOT NULL REFERENCES response_period (id),
  country                 text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  reporting_org_id        bigint NOT NULL REFERENCES response_organisation (organisation_id),
  implementing_org_id     bigint REFERENCES response_organisation (organisation_id),
  donor_org_ids           bigint[] NOT NULL DEFAULT '{}',
  sector_code             text NOT NULL,
  activity_id             bigint NOT NULL REFERENCES response_activity (id),
  location_level          smallint NOT NULL CHECK (location_level BETWEEN 1 AND 4),
  admin1_pcode            text NOT NULL,
  admin2_pcode            text,
  admin3_pcode            text,
  site_code               text CHECK (length(site_code) <= 60),
  geography_version       date NOT NULL,
  provider_admin1_name    text CHECK (length(provider_admin1_name) <= 200),
  provider_admin2_name    text CHECK (length(provider_admin2_name) <= 200),
  provider_location_name  text CHECK (length(provider_location_name) <= 200),
  -- Cells {measure, group, sex, age, value}; checked by src/response/aggregate.ts (no parts above totals).
  figures                 jsonb NOT NULL DEFAULT '[]',
  cash_value_usd          numeric(16, 2) CHECK (cash_value_usd >= 0),
  status                  text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'published')),
  review_comment          text CHECK (length(review_comment) <= 2000),
  reviewed_by             text,
  reviewed_at             timestamptz,
  version                 integer NOT NULL DEFAULT 1,
  created_by              text NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'rejected' OR review_comment IS NOT NULL),
  CHECK (location_level < 2 OR admin2_pcode IS NOT NULL),
  CHECK (location_level < 3 OR admin3_pcode IS NOT NULL OR site_code IS NOT NULL)
);
CREATE INDEX response_report_period_idx ON response_report (period_id, status);
CREATE INDEX response_report_org_idx ON response_report (reporting_org_id, status);
CREATE INDEX response_report_implementing_idx ON response_report (implementing_org_id);
CREATE INDEX response_report_activity_idx ON response_report (activity_id);
CREATE INDEX response_report_presence_idx ON response_report (status, sector_code, admin2_pcode);

-- Who may report, review, manage and unlock (roles are data: migrations/0004_access_audit.sql).
UPDATE role SET verbs = verbs || ARRAY['response.read', 'response.report', 'response.review', 'response.manage', 'response.unlock'] WHERE code = 'administrator';
UPDATE role SET verbs = verbs || ARRAY['response.read', 'response.report', 'response.review', 'response.manage'] WHERE code = 'im-officer';
UPDATE role SET verbs = verbs || ARRAY['response.read', 'response.review'] WHERE code = 'programme-manager';
UPDATE role SET verbs = verbs || ARRAY['response.read', 'response.report'] WHERE code = 'partner-reporter';
UPDATE role SET verbs = verbs || ARRAY['response.read'] WHERE code IN ('enumerator', 'viewer');
