-- Uploads and saved column mappings belong to an operation's country (issue 17): a Niger
-- enumerator must not import, preview or learn anything from a Mali officer's upload, and a
-- mapping confirmed for Mali's files is not pre-confirmed for Niger's.
--
-- An upload names the operation it was sent for; one sent without (older clients, the CLI
-- before it names one) is usable by the person who sent it only. Jobs keep their operation in
-- their input (target.operation) and are scoped through it.
ALTER TABLE dtm_upload ADD COLUMN operation_id bigint REFERENCES dtm_operation (id);

-- Mappings saved before this migration had no country: they are kept for the record, but no
-- longer pre-confirm anything ('' matches no country).
ALTER TABLE dtm_column_map ADD COLUMN country text NOT NULL DEFAULT '' CHECK (country = '' OR country ~ '^[A-Z]{2}$');
ALTER TABLE dtm_column_map DROP CONSTRAINT dtm_column_map_template_key_key;
CREATE UNIQUE INDEX dtm_column_map_country_template_idx ON dtm_column_map (country, template_key);
-- Every foreign key has its index (deleting an operation must not scan every upload).
CREATE INDEX dtm_upload_operation_idx ON dtm_upload (operation_id);
