-- An upload's incidents are found by a block-range index instead of a b-tree (BENCHMARKS.md,
-- import of police.uk files): keeping the b-tree up to date was a third of PostgreSQL's
-- time to store a million rows. Rows arrive upload by upload, so an upload's rows fill
-- neighbouring pages; where a re-sent batch's old rows freed space that later uploads
-- reuse, the multi-range summaries keep several upload numbers per range apart.
-- Summaries of the pages a load adds are made by autovacuum as each range fills; until
-- then those pages are simply searched, which changes no answer.
DROP INDEX incidents_upload;
CREATE INDEX incidents_upload ON incidents USING brin (upload_id int4_minmax_multi_ops) WITH (pages_per_range = 32, autosummarize = on);
ALTER INDEX incidents_partnership_month SET (autosummarize = on);
