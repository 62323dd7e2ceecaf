-- Names, phones and identity documents of registered people are sealed at rest (AES-256-GCM, keys
-- outside the database: src/core/data-keys.ts). The checks on their plain text (length, the
-- phone's digits) move to the service, which checks before sealing; the database now checks that
-- what it holds is sealed (`s1:<key id>:…`), so plain text cannot be stored by mistake.
-- NOT VALID: rows stored before this migration stay readable as they are until
-- `liptako assistance rekey` seals them; every new or changed row is checked.
ALTER TABLE assistance_member DROP CONSTRAINT IF EXISTS assistance_member_given_names_check;
ALTER TABLE assistance_member DROP CONSTRAINT IF EXISTS assistance_member_family_name_check;
ALTER TABLE assistance_member DROP CONSTRAINT IF EXISTS assistance_member_spoken_name_check;
ALTER TABLE assistance_member DROP CONSTRAINT IF EXISTS assistance_member_phone_check;
ALTER TABLE assistance_member DROP CONSTRAINT IF EXISTS assistance_member_id_document_check;
ALTER TABLE assistance_member ADD CONSTRAINT assistance_member_given_names_sealed CHECK (given_names LIKE 's1:%') NOT VALID;
ALTER TABLE assistance_member ADD CONSTRAINT assistance_member_family_name_sealed CHECK (family_name LIKE 's1:%') NOT VALID;
ALTER TABLE assistance_member ADD CONSTRAINT assistance_member_spoken_name_sealed CHECK (spoken_name LIKE 's1:%') NOT VALID;
ALTER TABLE assistance_member ADD CONSTRAINT assistance_member_phone_sealed CHECK (phone LIKE 's1:%') NOT VALID;
ALTER TABLE assistance_member ADD CONSTRAINT assistance_member_id_document_sealed CHECK (id_document LIKE 's1:%') NOT VALID;
