-- Assistance registry (src/assistance): households registered by an organisation, their members,
-- consent, duplicate candidates found across partners and spellings, and reversible merges.
-- Personal data lives in assistance_member only; everything else says who, where and when.

-- A household as one organisation registered it. The country is ISO2, like the admin units and
-- the country scopes of assignments (migrations/0004_access_audit.sql), so scope checks compare
-- it directly; the place is an admin2 or admin3 P-code of the gazetteer version then in force.
CREATE TABLE assistance_household (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id      bigint NOT NULL REFERENCES response_organisation (organisation_id),
  country              text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  admin1_pcode         text NOT NULL,
  admin2_pcode         text NOT NULL,
  admin3_pcode         text,
  geography_version    date NOT NULL,
  site_code            text CHECK (length(site_code) BETWEEN 1 AND 60),
  displacement_status  text NOT NULL CHECK (displacement_status IN ('idp', 'returnee', 'refugee', 'host', 'other')),
  origin_pcode         text CHECK (origin_pcode ~ '^[A-Z]{2}[0-9]*$'),
  vulnerabilities      text[] NOT NULL DEFAULT '{}',
  created_by           text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (left(admin2_pcode, 2) = country)
);
CREATE INDEX assistance_household_org_idx ON assistance_household (organisation_id);
CREATE INDEX assistance_household_place_idx ON assistance_household (country, admin2_pcode);

-- A person of a household: names as written (and as spoken, when an enumerator noted it).
CREATE TABLE assistance_member (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  household_id    bigint NOT NULL REFERENCES assistance_household (id),
  given_names     text NOT NULL CHECK (length(given_names) BETWEEN 1 AND 200),
  family_name     text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
  spoken_name     text CHECK (length(spoken_name) BETWEEN 1 AND 200),
  sex             text NOT NULL CHECK (sex IN ('f', 'm')),
  birth_year      smallint CHECK (birth_year BETWEEN 1900 AND 2100),
  birth_date      date,
  relation        text NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'other')),
  phone           text CHECK (phone ~ '^\+?[0-9]{8,15}$'),
  id_document     text CHECK (length(id_document) BETWEEN 1 AND 60),
  CHECK (birth_date IS NULL OR birth_year = extract(year FROM birth_date))
);
CREATE INDEX assistance_member_household_idx ON assistance_member (household_id);

-- Consent for a member or for the whole household; withdrawn consent hides the person from
-- every list and detection run (the rows stay: what was done with consent remains accountable).
CREATE TABLE assistance_consent (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  household_id  bigint NOT NULL REFERENCES assistance_household (id),
  member_id     bigint REFERENCES assistance_member (id),
  given_by      text NOT NULL CHECK (length(given_by) BETWEEN 1 AND 200),
  given_at      timestamptz NOT NULL,
  purposes      text[] NOT NULL CHECK (cardinality(purposes) BETWEEN 1 AND 10),
  withdrawn_at  timestamptz,
  withdrawn_by  text,
  CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX assistance_consent_household_idx ON assistance_consent (household_id);
CREATE INDEX assistance_consent_member_idx ON assistance_consent (member_id);

-- A pair of members that may be one person, for a reviewer to decide; the lower id first so a
-- pair is stored once whichever way it was found.
CREATE TABLE assistance_duplicate (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_low   bigint NOT NULL REFERENCES assistance_member (id),
  member_high  bigint NOT NULL REFERENCES assistance_member (id),
  score        numeric(4, 3) NOT NULL CHECK (score BETWEEN 0 AND 1),
  reasons      jsonb NOT NULL DEFAULT '[]',
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'same', 'different', 'unsure')),
  decided_by   text,
  decided_at   timestamptz,
  comment      text CHECK (length(comment) <= 2000),
  found_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (member_low < member_high),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  UNIQUE (member_low, member_high)
);
CREATE INDEX assistance_duplicate_status_idx ON assistance_duplicate (status);

-- A reviewer's "same person": both source records are kept; undoing sets undone_at.
CREATE TABLE assistance_merge (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  duplicate_id  bigint NOT NULL REFERENCES assistance_duplicate (id),
  member_low    bigint NOT NULL REFERENCES assistance_member (id),
  member_high   bigint NOT NULL REFERENCES assistance_member (id),
  merged_by     text NOT NULL,
  merged_at     timestamptz NOT NULL DEFAULT now(),
  undone_by     text,
  undone_at     timestamptz,
  CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
CREATE UNIQUE INDEX assistance_merge_active_idx ON assistance_merge (duplicate_id) WHERE undone_at IS NULL;

-- Who may read the registry's aggregates, its personal data, and register and review.
UPDATE role SET verbs = verbs || ARRAY['assistance.read', 'assistance.personal', 'assistance.manage'] WHERE code IN ('administrator', 'im-officer');
UPDATE role SET verbs = verbs || ARRAY['assistance.read', 'assistance.manage'] WHERE code = 'partner-reporter';
UPDATE role SET verbs = verbs || ARRAY['assistance.read'] WHERE code IN ('programme-manager', 'viewer');
