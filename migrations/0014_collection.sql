-- Field collection (src/collection, docs/collection.md): projects, forms and their versions as
-- the exact bytes served to phones, app users with revocable tokens, submissions as the raw XML
-- the phone sent plus what is parsed from it, their attachments and their review.

-- A project groups the forms of one country's work (a DTM operation, a partner's survey).
CREATE TABLE collection_project (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX collection_project_name_idx ON collection_project (lower(name));

-- A form by its XForm id within a project; `published_version_id` is what formList serves.
CREATE TABLE collection_form (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id            bigint NOT NULL REFERENCES collection_project (id),
  xml_form_id           text NOT NULL CHECK (length(xml_form_id) BETWEEN 1 AND 200),
  title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  state                 text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  published_version_id  bigint,
  created_by            text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, xml_form_id)
);

-- Each version keeps the exact bytes phones download: formList's md5 is of these bytes.
-- The same (form, version) with other bytes is refused by the service (409); the unique
-- constraint keeps two racing uploads from both storing.
CREATE TABLE collection_form_version (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  form_id      bigint NOT NULL REFERENCES collection_form (id),
  version      text NOT NULL DEFAULT '' CHECK (length(version) <= 200),
  xml          bytea NOT NULL,
  md5          text NOT NULL CHECK (md5 ~ '^[0-9a-f]{32}$'),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  source       text NOT NULL CHECK (source IN ('xform', 'xlsform')),
  -- The question paths of this version, in form order, with their kind (leaf, group, repeat):
  -- exports align columns across versions by path.
  questions    jsonb NOT NULL,
  languages    text[] NOT NULL DEFAULT '{}',
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (form_id, version)
);
ALTER TABLE collection_form ADD FOREIGN KEY (published_version_id) REFERENCES collection_form_version (id);
CREATE INDEX collection_form_published_version_idx ON collection_form (published_version_id);

-- Media and CSV choice lists a form version refers to (the manifest).
CREATE TABLE collection_form_attachment (
  form_version_id  bigint NOT NULL REFERENCES collection_form_version (id),
  name             text NOT NULL CHECK (name ~ '^[^/\\]{1,200}$'),
  content_type     text NOT NULL,
  bytes            bytea NOT NULL,
  md5              text NOT NULL CHECK (md5 ~ '^[0-9a-f]{32}$'),
  PRIMARY KEY (form_version_id, name)
);

-- A phone's identity: a name and a secret in the URL it was configured with (QR code). Only the
-- secret's SHA-256 is kept; revoking is for good.
CREATE TABLE collection_app_user (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES collection_project (id),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX collection_app_user_project_idx ON collection_app_user (project_id);

-- The forms an app user sees in formList and may submit to.
CREATE TABLE collection_app_user_form (
  app_user_id  bigint NOT NULL REFERENCES collection_app_user (id),
  form_id      bigint NOT NULL REFERENCES collection_form (id),
  PRIMARY KEY (app_user_id, form_id)
);
CREATE INDEX collection_app_user_form_form_idx ON collection_app_user_form (form_id);

-- One row per instance the phones sent: an edit (meta/deprecatedID) is a new row of the same
-- logical submission (`root_instance_id`), and only the newest is `current`. The unique
-- constraint on (form, instanceID) is what makes two racing identical posts store one.
CREATE TABLE collection_submission (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  form_id            bigint NOT NULL REFERENCES collection_form (id),
  form_version_id    bigint REFERENCES collection_form_version (id),
  version            text NOT NULL DEFAULT '',
  instance_id        text NOT NULL CHECK (length(instance_id) BETWEEN 1 AND 200),
  root_instance_id   text NOT NULL CHECK (length(root_instance_id) BETWEEN 1 AND 200),
  deprecated_id      text,
  instance_name      text,
  xml                text NOT NULL,
  xml_sha256         text NOT NULL CHECK (xml_sha256 ~ '^[0-9a-f]{64}$'),
  device_id          text,
  app_user_id        bigint REFERENCES collection_app_user (id),
  submitted_by       text NOT NULL,
  received_at        timestamptz NOT NULL DEFAULT now(),
  current            boolean NOT NULL DEFAULT true,
  review_state       text NOT NULL DEFAULT 'received' CHECK (review_state IN ('received', 'has-issues', 'edited', 'approved', 'rejected')),
  UNIQUE (form_id, instance_id)
);
CREATE UNIQUE INDEX collection_submission_current_idx ON collection_submission (form_id, root_instance_id) WHERE current;
CREATE INDEX collection_submission_version_idx ON collection_submission (form_version_id);
CREATE INDEX collection_submission_app_user_idx ON collection_submission (app_user_id);
CREATE INDEX collection_submission_listing_idx ON collection_submission (form_id, received_at DESC) WHERE current;

-- Files named in a submission: expected from the XML, received part by part (batches), carried
-- over by name from the version an edit replaces. `bytes` NULL means announced but not received.
CREATE TABLE collection_submission_attachment (
  submission_id  bigint NOT NULL REFERENCES collection_submission (id),
  name           text NOT NULL CHECK (name ~ '^[^/\\]{1,200}$'),
  content_type   text,
  bytes          bytea,
  md5            text CHECK (md5 ~ '^[0-9a-f]{32}$'),
  PRIMARY KEY (submission_id, name)
);

-- What reviewers said, newest last; the submission's review_state is the last one.
CREATE TABLE collection_review (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  submission_id  bigint NOT NULL REFERENCES collection_submission (id),
  review_state   text NOT NULL CHECK (review_state IN ('has-issues', 'edited', 'approved', 'rejected')),
  comment        text CHECK (length(comment) <= 2000),
  reviewed_by    text NOT NULL,
  reviewed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_review_submission_idx ON collection_review (submission_id);

-- Who may read, manage (projects, forms, app users) and review (roles are data: 0004).
-- collection.submit lets a signed-in account send submissions too (app users hold it by their token).
UPDATE role SET verbs = verbs || ARRAY['collection.read', 'collection.manage', 'collection.review', 'collection.submit'] WHERE code IN ('administrator', 'im-officer');
UPDATE role SET verbs = verbs || ARRAY['collection.read', 'collection.review'] WHERE code = 'programme-manager';
UPDATE role SET verbs = verbs || ARRAY['collection.read', 'collection.submit'] WHERE code = 'enumerator';
UPDATE role SET verbs = verbs || ARRAY['collection.read'] WHERE code IN ('partner-reporter', 'viewer');
