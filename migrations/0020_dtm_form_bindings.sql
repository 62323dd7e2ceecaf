-- A collection form bound to a DTM operation (issue 14): its questions mapped to round fields with
-- the vocabulary of a file import, so that the approved submissions of a collection period become
-- a draft round through the ordinary import (validation, staging, swap, review, publication).
-- One form feeds one operation; rebinding replaces the mapping.
CREATE TABLE dtm_form_binding (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  form_id          bigint NOT NULL UNIQUE REFERENCES collection_form (id),
  operation_id     bigint NOT NULL REFERENCES dtm_operation (id),
  assessment_type  text NOT NULL CHECK (assessment_type IN ('BA', 'SA')),
  -- question path → round field (null: not read), as a round file's header → field mapping.
  mapping          jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dtm_form_binding_operation_idx ON dtm_form_binding (operation_id);

-- The extract of a binding's approved submissions is an upload like any round file (its raw file,
-- kept); it names the binding it came from.
ALTER TABLE dtm_upload ADD COLUMN binding_id bigint REFERENCES dtm_form_binding (id) ON DELETE SET NULL;
CREATE INDEX dtm_upload_binding_idx ON dtm_upload (binding_id);

-- Which submission each row of such an extract is: a figure or a finding reaches it through its
-- import's upload and its source row, so every figure of a collected round keeps its instanceID.
CREATE TABLE dtm_upload_source (
  upload_id      bigint NOT NULL REFERENCES dtm_upload (id) ON DELETE CASCADE,
  source_row     integer NOT NULL CHECK (source_row >= 1),
  submission_id  bigint NOT NULL REFERENCES collection_submission (id),
  instance_id    text NOT NULL CHECK (length(instance_id) BETWEEN 1 AND 200),
  PRIMARY KEY (upload_id, source_row)
);
CREATE INDEX dtm_upload_source_submission_idx ON dtm_upload_source (submission_id);
