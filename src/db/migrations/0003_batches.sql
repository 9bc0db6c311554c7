-- Which upload holds each batch (police.uk force+month, ISTV site+period, a list's month).
-- Re-sending a batch deletes the rows of the upload that held it, found through a small
-- index on upload_id, instead of a wide (partnership, source, batch_key) index on every
-- incident: that index and the month b-tree cost a third of bulk-load time (BENCHMARKS.md).
CREATE TABLE batches (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  source_id      integer NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  batch_key      text NOT NULL,
  upload_id      integer NOT NULL REFERENCES uploads(id),
  PRIMARY KEY (partnership_id, source_id, batch_key)
);
INSERT INTO batches (partnership_id, source_id, batch_key, upload_id)
  SELECT partnership_id, source_id, batch_key, max(upload_id) FROM incidents GROUP BY 1, 2, 3;
CREATE INDEX batches_upload ON batches (upload_id);

DROP INDEX incidents_batch;
DROP INDEX incidents_month;
CREATE INDEX incidents_upload ON incidents (upload_id);
-- Rows arrive upload by upload, so partnership and month are physically clustered: a
-- block-range index finds a period for almost nothing at load time.
CREATE INDEX incidents_partnership_month ON incidents USING brin (partnership_id, month);
