-- Counts maintained on import, so that every analysis view reads thousands of rows
-- instead of scanning a million incidents. Each row belongs to the upload and batch its
-- incidents came from, so a replaced batch, a withdrawn upload or expired data removes
-- exactly its counts, in the same transaction as the incidents.
--
-- incident_counts: by month, category, area (all vintages) and, where the source records
-- a time, Europe/London weekday (ISO, 1 = Monday) and hour.
CREATE TABLE incident_counts (
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  source_id       integer NOT NULL,
  upload_id       integer NOT NULL,
  batch_key       text NOT NULL,
  month           date NOT NULL,
  category        text NOT NULL,
  source_category text NOT NULL,
  location_status text NOT NULL,
  lsoa11_id       integer,
  lsoa21_id       integer,
  ward_id         integer,
  lad_id          integer,
  weekday         smallint,
  hour            smallint,
  n               integer NOT NULL
);
CREATE INDEX incident_counts_period ON incident_counts (partnership_id, month);
CREATE INDEX incident_counts_upload ON incident_counts (upload_id, batch_key);

-- incident_cell_counts: the same for located incidents, by 50 m British National Grid
-- square (floor(easting / 50), floor(northing / 50)). Every analysis cell size is a
-- multiple of 50 m on an origin that is too, so each base square falls in exactly one
-- analysis square and grid counts are exact.
CREATE TABLE incident_cell_counts (
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  source_id       integer NOT NULL,
  upload_id       integer NOT NULL,
  batch_key       text NOT NULL,
  month           date NOT NULL,
  category        text NOT NULL,
  source_category text NOT NULL,
  lsoa11_id       integer,
  lsoa21_id       integer,
  ward_id         integer,
  lad_id          integer,
  weekday         smallint,
  hour            smallint,
  cell_e          integer NOT NULL,
  cell_n          integer NOT NULL,
  n               integer NOT NULL
);
CREATE INDEX incident_cell_counts_period ON incident_cell_counts (partnership_id, month);
CREATE INDEX incident_cell_counts_upload ON incident_cell_counts (upload_id, batch_key);

-- One upload's counts, added by the import in its own transaction after the COPY (and here
-- for data loaded before this migration). The rows were copied in that transaction, so the
-- planner has no statistics for them and would sort a million rows on text keys to group
-- them; hashing in memory is several times faster, hence the settings, which hold only
-- while the function runs.
CREATE FUNCTION add_upload_counts(p_partnership integer, p_upload integer) RETURNS void
LANGUAGE sql SET work_mem = '256MB' SET enable_sort = off AS $$
  INSERT INTO incident_counts (partnership_id, source_id, upload_id, batch_key, month, category, source_category, location_status,
                               lsoa11_id, lsoa21_id, ward_id, lad_id, weekday, hour, n)
  SELECT partnership_id, source_id, upload_id, batch_key, month, category, source_category, location_status,
         lsoa11_id, lsoa21_id, ward_id, lad_id,
         extract(isodow FROM occurred_at AT TIME ZONE 'Europe/London')::smallint,
         extract(hour FROM occurred_at AT TIME ZONE 'Europe/London')::smallint,
         count(*)
  FROM incidents WHERE upload_id = p_upload AND partnership_id = p_partnership
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14;
  -- Integer division is floor for British National Grid's non-negative metres.
  INSERT INTO incident_cell_counts (partnership_id, source_id, upload_id, batch_key, month, category, source_category,
                                    lsoa11_id, lsoa21_id, ward_id, lad_id, weekday, hour, cell_e, cell_n, n)
  SELECT partnership_id, source_id, upload_id, batch_key, month, category, source_category,
         lsoa11_id, lsoa21_id, ward_id, lad_id,
         extract(isodow FROM occurred_at AT TIME ZONE 'Europe/London')::smallint,
         extract(hour FROM occurred_at AT TIME ZONE 'Europe/London')::smallint,
         easting / 50, northing / 50,
         count(*)
  FROM incidents WHERE upload_id = p_upload AND partnership_id = p_partnership AND easting >= 0 AND northing >= 0
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15;
$$;

SELECT add_upload_counts(partnership_id, upload_id) FROM (SELECT DISTINCT partnership_id, upload_id FROM incidents) held;
