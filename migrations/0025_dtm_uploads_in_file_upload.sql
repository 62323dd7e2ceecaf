-- DTM's uploads move into the generic upload store (file_upload, 0017): every import keeps its
-- files in one place and reads them one way (src/core/file-uploads.ts). What dtm_upload said
-- beyond the file itself:
--   operation_id → file_upload.scope, the operation's id as text (as assistance keeps an
--                  organisation id there and the response a country): checked again whenever
--                  the upload is used; null, as before, means usable by its sender only;
--   binding_id   → dtm_binding_extract, for the extracts of a bound collection form.
-- Uploads get new ids (file_upload's): imports, the extracts' source rows and the inputs of import
-- jobs (what a retry reads) follow. Audit rows keep the old id of their 'dtm-upload' objects, as
-- history: audit_event is append-only. The parts are copied, so this migration writes every
-- kept DTM file once more (a week of unimported uploads and every import's raw file).
CREATE TABLE dtm_upload_move (old_id bigint PRIMARY KEY, new_id bigint NOT NULL UNIQUE);
INSERT INTO dtm_upload_move (old_id, new_id)
  SELECT id, nextval(pg_get_serial_sequence('file_upload', 'id')) FROM dtm_upload ORDER BY id;

INSERT INTO file_upload (id, module, file_name, sha256, size_bytes, parts, scope, complete, created_by, created_at)
  OVERRIDING SYSTEM VALUE
  SELECT m.new_id, 'dtm', u.file_name, u.sha256, u.size_bytes, u.parts, u.operation_id::text, u.complete, u.created_by, u.created_at
    FROM dtm_upload u JOIN dtm_upload_move m ON m.old_id = u.id;
INSERT INTO file_upload_part (upload_id, part, bytes)
  SELECT m.new_id, p.part, p.bytes FROM dtm_upload_part p JOIN dtm_upload_move m ON m.old_id = p.upload_id;

-- The extract of a bound form's approved submissions (0020) names the binding it came from; the
-- link goes with the binding (before, the upload's binding_id was set to null).
CREATE TABLE dtm_binding_extract (
  upload_id   bigint PRIMARY KEY REFERENCES file_upload (id) ON DELETE CASCADE,
  binding_id  bigint NOT NULL REFERENCES dtm_form_binding (id) ON DELETE CASCADE
);
CREATE INDEX dtm_binding_extract_binding_idx ON dtm_binding_extract (binding_id);
INSERT INTO dtm_binding_extract (upload_id, binding_id)
  SELECT m.new_id, u.binding_id FROM dtm_upload u JOIN dtm_upload_move m ON m.old_id = u.id WHERE u.binding_id IS NOT NULL;

ALTER TABLE dtm_import DROP CONSTRAINT dtm_import_upload_id_fkey;
UPDATE dtm_import i SET upload_id = m.new_id FROM dtm_upload_move m WHERE m.old_id = i.upload_id;
ALTER TABLE dtm_import ADD CONSTRAINT dtm_import_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES file_upload (id);

-- upload_id is part of this table's key: rows go through negative ids so that no row's new id
-- meets another row's old one half-way through the update.
ALTER TABLE dtm_upload_source DROP CONSTRAINT dtm_upload_source_upload_id_fkey;
UPDATE dtm_upload_source s SET upload_id = -m.new_id FROM dtm_upload_move m WHERE m.old_id = s.upload_id;
UPDATE dtm_upload_source SET upload_id = -upload_id;
ALTER TABLE dtm_upload_source ADD CONSTRAINT dtm_upload_source_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES file_upload (id) ON DELETE CASCADE;

UPDATE job j SET input = jsonb_set(j.input, '{uploadId}', to_jsonb(m.new_id))
  FROM dtm_upload_move m WHERE j.kind = 'dtm-import' AND j.input ->> 'uploadId' = m.old_id::text;

DROP TABLE dtm_upload_part;
DROP TABLE dtm_upload;
DROP TABLE dtm_upload_move;
