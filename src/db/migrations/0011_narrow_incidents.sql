-- A narrower stored incident, for bulk-load speed (BENCHMARKS.md, import of police.uk files):
--
-- * The batch a row belongs to is its number within its upload (`batch_no`), not the
--   batch-key text repeated on every row. `batches` records, for each batch key, the upload
--   that holds it and the batch's number there: every stored row's (upload_id, batch_no)
--   is such a holder, because re-sending a batch deletes the rows of the one before.
-- * No surrogate `id`: nothing refers to one incident by it, and its sequence and b-tree
--   cost a fifth of the load. A row is identified by its upload and its line in the file.
--
-- The analysis counts are keyed the same way; the import now sums them itself while the rows
-- stream (ingestion/upload-counts.ts), so add_upload_counts goes.

ALTER TABLE batches ADD COLUMN batch_no integer;
UPDATE batches b SET batch_no = numbered.batch_no
FROM (SELECT partnership_id, source_id, batch_key,
             (row_number() OVER (PARTITION BY upload_id ORDER BY batch_key) - 1)::int AS batch_no
      FROM batches) numbered
WHERE numbered.partnership_id = b.partnership_id AND numbered.source_id = b.source_id AND numbered.batch_key = b.batch_key;
ALTER TABLE batches ALTER COLUMN batch_no SET NOT NULL;
ALTER TABLE batches ADD UNIQUE (upload_id, batch_no);
DROP INDEX batches_upload;

CREATE TABLE incidents_narrow (
  partnership_id  integer NOT NULL,
  source_id       integer NOT NULL,
  upload_id       integer NOT NULL,
  batch_no        integer NOT NULL,
  line            integer NOT NULL,
  source_ref      text,
  month           date NOT NULL,
  occurred_at     timestamptz,
  category        text NOT NULL,
  source_category text NOT NULL,
  outcome         text,
  location_desc   text,
  lon             double precision,
  lat             double precision,
  easting         integer,
  northing        integer,
  location_status text NOT NULL CHECK (location_status IN ('located','no-location','outside-area')),
  lsoa11_id       integer,
  lsoa21_id       integer,
  ward_id         integer,
  lad_id          integer,
  attributes      jsonb
);
INSERT INTO incidents_narrow
SELECT i.partnership_id, i.source_id, i.upload_id, b.batch_no, i.line, i.source_ref, i.month, i.occurred_at, i.category, i.source_category,
       i.outcome, i.location_desc, i.lon, i.lat, i.easting, i.northing, i.location_status, i.lsoa11_id, i.lsoa21_id, i.ward_id, i.lad_id, i.attributes
FROM incidents i
JOIN batches b ON b.partnership_id = i.partnership_id AND b.source_id = i.source_id AND b.batch_key = i.batch_key AND b.upload_id = i.upload_id
ORDER BY i.id;
DROP TABLE incidents;
ALTER TABLE incidents_narrow RENAME TO incidents;
-- Foreign keys on incidents are enforced by the import (which resolves every id itself)
-- rather than per row by the database: they would halve bulk-load speed. The upload b-tree
-- finds an upload's rows to replace or withdraw; rows arrive upload by upload, so
-- partnership and month are physically clustered and a block-range index finds a period.
CREATE INDEX incidents_upload ON incidents (upload_id);
CREATE INDEX incidents_partnership_month ON incidents USING brin (partnership_id, month);

-- The counts, keyed by batch number too.
ALTER TABLE incident_counts ADD COLUMN batch_no integer;
UPDATE incident_counts c SET batch_no = b.batch_no FROM batches b
WHERE b.partnership_id = c.partnership_id AND b.source_id = c.source_id AND b.batch_key = c.batch_key AND b.upload_id = c.upload_id;
DELETE FROM incident_counts WHERE batch_no IS NULL;
ALTER TABLE incident_counts ALTER COLUMN batch_no SET NOT NULL, DROP COLUMN batch_key;

ALTER TABLE incident_cell_counts ADD COLUMN batch_no integer;
UPDATE incident_cell_counts c SET batch_no = b.batch_no FROM batches b
WHERE b.partnership_id = c.partnership_id AND b.source_id = c.source_id AND b.batch_key = c.batch_key AND b.upload_id = c.upload_id;
DELETE FROM incident_cell_counts WHERE batch_no IS NULL;
ALTER TABLE incident_cell_counts ALTER COLUMN batch_no SET NOT NULL, DROP COLUMN batch_key;
-- Counts arrive upload by upload, so a block-range index finds an upload's counts (to
-- replace or withdraw them) for a fraction of a b-tree's cost at import.
CREATE INDEX incident_counts_upload ON incident_counts USING brin (upload_id);
CREATE INDEX incident_cell_counts_upload ON incident_cell_counts USING brin (upload_id);

-- Like incidents, the counts are written only by the import, which resolves the
-- partnership itself: a foreign-key check per count row doubled the time to store them.
ALTER TABLE incident_counts DROP CONSTRAINT incident_counts_partnership_id_fkey;
ALTER TABLE incident_cell_counts DROP CONSTRAINT incident_cell_counts_partnership_id_fkey;

DROP FUNCTION add_upload_counts(integer, integer);
