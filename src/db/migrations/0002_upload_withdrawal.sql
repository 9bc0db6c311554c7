-- A data owner can withdraw an upload sent by mistake: its rows are deleted, the upload
-- stays in the history as withdrawn, with who did it and when.
ALTER TABLE uploads DROP CONSTRAINT uploads_status_check;
ALTER TABLE uploads ADD CONSTRAINT uploads_status_check CHECK (status IN ('imported', 'refused', 'withdrawn'));
ALTER TABLE uploads ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE uploads ADD COLUMN withdrawn_by integer REFERENCES users(id);
ALTER TABLE uploads ADD COLUMN rows_withdrawn integer NOT NULL DEFAULT 0;
-- No index on incidents.upload_id: withdrawals are rare, and every index slows bulk import.
