-- Which version of its data a partnership holds: bumped whenever its analysis counts
-- change (import, replacement, withdrawal, retention), so that results computed from the
-- counts can be kept until the data changes and no longer.
ALTER TABLE partnerships ADD COLUMN data_version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE partnerships SET data_version = data_version + 1 WHERE id IN (SELECT DISTINCT partnership_id FROM changed);
  RETURN NULL;
END $$;

CREATE TRIGGER incident_counts_inserted AFTER INSERT ON incident_counts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER incident_counts_deleted AFTER DELETE ON incident_counts
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- Emerging hot spots read every 50 m count of the period by month: an index-only scan.
CREATE INDEX incident_cell_counts_period_cells ON incident_cell_counts (partnership_id, month) INCLUDE (cell_e, cell_n, n);
DROP INDEX incident_cell_counts_period;
