-- Distributions of the assistance registry (src/assistance/distributions.ts): what is handed out
-- (a type with its unit and value), by whom, where, when, against which plan activity area and
-- which donor contribution, to which households (the list) and who received it (receipts), so
-- that "which dollar of which donor reached whom" is one join away.

CREATE TABLE assistance_type (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{0,39}$'),
  name_en     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  name_fr     text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  unit        text NOT NULL CHECK (unit IN ('kit', 'transfer', 'grant')),
  unit_value  numeric(14, 2) NOT NULL CHECK (unit_value > 0 AND unit_value <= 100000),
  currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
);
INSERT INTO assistance_type (code, name_en, name_fr, unit, unit_value, currency) VALUES
  ('nfi-kit', 'Non-food items kit', 'Kit d’articles non alimentaires', 'kit', 85, 'USD'),
  ('shelter-kit', 'Emergency shelter kit', 'Kit d’abri d’urgence', 'kit', 150, 'USD'),
  ('wash-kit', 'WASH (hygiene) kit', 'Kit EHA (hygiène)', 'kit', 45, 'USD'),
  ('cash-transfer', 'Multipurpose cash transfer', 'Transfert monétaire à usages multiples', 'transfer', 100, 'USD'),
  ('livelihood-grant', 'Livelihood grant', 'Subvention de moyens d’existence', 'grant', 250, 'USD');

-- One distribution by one organisation in one admin2 (and site), over a period; open until closed.
CREATE TABLE assistance_distribution (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id   bigint NOT NULL REFERENCES response_organisation (organisation_id),
  assistance_type   text NOT NULL REFERENCES assistance_type (code),
  quantity          numeric(10, 2) NOT NULL CHECK (quantity > 0 AND quantity <= 100),
  country           text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  admin2_pcode      text NOT NULL,
  site_code         text CHECK (length(site_code) BETWEEN 1 AND 60),
  starts_on         date NOT NULL,
  ends_on           date NOT NULL,
  activity_area_id  bigint REFERENCES plan_activity_area (id),
  contribution_id   bigint REFERENCES contribution (id),
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  label             text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  closed_at         timestamptz,
  CHECK (ends_on >= starts_on AND ends_on - starts_on <= 366),
  CHECK (left(admin2_pcode, 2) = country)
);
CREATE INDEX assistance_distribution_org_idx ON assistance_distribution (organisation_id);
CREATE INDEX assistance_distribution_type_idx ON assistance_distribution (assistance_type, starts_on);
CREATE INDEX assistance_distribution_area_idx ON assistance_distribution (activity_area_id);
CREATE INDEX assistance_distribution_contribution_idx ON assistance_distribution (contribution_id);

-- The list: which households a distribution is for (built from the registry, consent respected).
CREATE TABLE assistance_entitlement (
  distribution_id  bigint NOT NULL REFERENCES assistance_distribution (id),
  household_id     bigint NOT NULL REFERENCES assistance_household (id),
  listed_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (distribution_id, household_id)
);
CREATE INDEX assistance_entitlement_household_idx ON assistance_entitlement (household_id);

-- What was handed over: once per household and distribution, the database itself refuses a second.
CREATE TABLE assistance_receipt (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  distribution_id  bigint NOT NULL,
  household_id     bigint NOT NULL,
  received_by      text NOT NULL CHECK (length(received_by) BETWEEN 1 AND 200),
  received_at      timestamptz NOT NULL,
  recorded_by      text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  proof            text CHECK (length(proof) BETWEEN 1 AND 500),
  FOREIGN KEY (distribution_id, household_id) REFERENCES assistance_entitlement (distribution_id, household_id),
  UNIQUE (distribution_id, household_id)
);
CREATE INDEX assistance_receipt_household_idx ON assistance_receipt (household_id);
