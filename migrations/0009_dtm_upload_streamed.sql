-- Uploads are written part by part as their bytes arrive, so a file is never whole in memory.
-- Until its last part is stored an upload is not complete: imports never see it, and it is
-- dropped when the transfer fails (or, after a crash, by the sweep of stale uploads). Its hash
-- is known only at the end.
ALTER TABLE dtm_upload ADD COLUMN complete boolean NOT NULL DEFAULT true;
ALTER TABLE dtm_upload ALTER COLUMN sha256 DROP NOT NULL;
ALTER TABLE dtm_upload ADD CONSTRAINT dtm_upload_complete_has_hash CHECK (NOT complete OR sha256 IS NOT NULL);
