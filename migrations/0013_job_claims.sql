-- Jobs are claimed: a job row starts `queued`, and exactly one process moves it to `running`
-- (SELECT … FOR UPDATE SKIP LOCKED), naming itself in claimed_by. A running job's process keeps
-- heartbeat_at fresh; on PostgreSQL, where several processes may serve one database, only a job
-- whose heartbeat is old is taken for interrupted (a process starting no longer interrupts the
-- jobs of the others).
ALTER TABLE job DROP CONSTRAINT job_status_check;
ALTER TABLE job ADD CONSTRAINT job_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'interrupted'));
ALTER TABLE job ALTER COLUMN status SET DEFAULT 'queued';
ALTER TABLE job ADD COLUMN claimed_by text;
