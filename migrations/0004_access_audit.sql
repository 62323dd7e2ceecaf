-- Access control and audit: users, roles as lists of verbs, scoped assignments, sessions,
-- API tokens, and an append-only audit log.

CREATE TABLE organisation (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  acronym     text CHECK (length(acronym) BETWEEN 1 AND 40),
  org_type    text CHECK (length(org_type) <= 100),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisation_name_idx ON organisation (lower(name));

CREATE TABLE app_user (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email            text NOT NULL CHECK (email ~ '^[^@\s]{1,64}@[^@\s]{1,255}$'),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  language         text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
  organisation_id  bigint REFERENCES organisation (id),
  password_hash    text NOT NULL,
  failed_sign_ins  integer NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
  locked_until     timestamptz,
  disabled_at      timestamptz,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));
CREATE INDEX app_user_organisation_idx ON app_user (organisation_id);

-- Roles are data: a code, names, and the verbs they allow.
CREATE TABLE role (
  code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z-]{1,39}$'),
  name_en  text NOT NULL,
  name_fr  text NOT NULL,
  verbs    text[] NOT NULL
);

-- An assignment binds a user, a role and a scope: the whole response, a country, or an organisation.
CREATE TABLE role_assignment (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role_code    text NOT NULL REFERENCES role (code),
  scope_kind   text NOT NULL CHECK (scope_kind IN ('response', 'country', 'organisation')),
  scope_value  text,
  CHECK ((scope_kind = 'response') = (scope_value IS NULL)),
  CHECK (scope_kind <> 'country' OR scope_value ~ '^[A-Z]{2}$'),
  UNIQUE NULLS NOT DISTINCT (user_id, role_code, scope_kind, scope_value)
);
CREATE INDEX role_assignment_role_idx ON role_assignment (role_code);

CREATE TABLE user_session (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_sha256  text NOT NULL UNIQUE,
  csrf_token    text NOT NULL,
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_sha256  text NOT NULL UNIQUE,
  prefix        text NOT NULL,
  -- A token may narrow its owner's verbs; empty means all of them.
  verbs         text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Who did what, when: writes, sign-ins, token use, exports. Append-only, enforced here.
CREATE TABLE audit_event (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at    timestamptz NOT NULL DEFAULT now(),
  actor_user_id  bigint REFERENCES app_user (id),
  actor          text NOT NULL,
  action         text NOT NULL,
  object_type    text,
  object_id      text,
  outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
  summary        jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id     text
);
CREATE INDEX audit_event_time_idx ON audit_event (occurred_at);
CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id);
CREATE INDEX audit_event_action_idx ON audit_event (action);

CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();

INSERT INTO role (code, name_en, name_fr, verbs) VALUES
  ('administrator', 'Administrator', 'Administrateur',
   ARRAY['system.read', 'geo.read', 'geo.import', 'plan.read', 'plan.edit', 'plan.import', 'contribution.record', 'export.download', 'hapi.read', 'user.manage', 'audit.read', 'account.manage']),
  ('im-officer', 'Information management officer', 'Chargé de gestion de l’information',
   ARRAY['system.read', 'geo.read', 'geo.import', 'plan.read', 'plan.import', 'contribution.record', 'export.download', 'hapi.read', 'account.manage']),
  ('programme-manager', 'Programme manager', 'Responsable de programme',
   ARRAY['system.read', 'geo.read', 'plan.read', 'plan.edit', 'contribution.record', 'export.download', 'hapi.read', 'account.manage']),
  ('enumerator', 'Enumerator', 'Enquêteur',
   ARRAY['system.read', 'geo.read', 'plan.read', 'hapi.read', 'account.manage']),
  ('partner-reporter', 'Partner reporter', 'Rapporteur partenaire',
   ARRAY['system.read', 'geo.read', 'plan.read', 'export.download', 'hapi.read', 'account.manage']),
  ('viewer', 'Viewer', 'Lecteur',
   ARRAY['system.read', 'geo.read', 'plan.read', 'export.download', 'hapi.read', 'account.manage']),
  ('public', 'Public (not signed in)', 'Public (non connecté)',
   ARRAY['system.read', 'geo.read', 'plan.read', 'hapi.read']);
