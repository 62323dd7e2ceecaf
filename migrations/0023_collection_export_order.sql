-- The CSV zip export and the OData feed page through a form's current submissions in id order
-- (keyset: id > the last one seen). Without this index a page either walks the whole table's
-- primary key past other forms' submissions or sorts the form's submissions again for each page.
CREATE INDEX collection_submission_export_idx ON collection_submission (form_id, id) WHERE current;
