-- Custom outcome indicators a partnership defines for itself. The built-in indicators
-- (PHOF B12a, B12b, B12c and ASB) are code constants and never stored, so they are always
-- present and always computed the same way. A custom numerator is a filter over the
-- analysis counts, stored as the workspace filters are written (source slugs, partnership
-- categories, the sources' own categories), so the same figure can be found in Analysis.
CREATE TABLE indicators (
  id                serial PRIMARY KEY,
  partnership_id    integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  code              text NOT NULL CHECK (code ~ '^[A-Za-z][A-Za-z0-9-]{0,19}$'),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  source_slugs      text[] NOT NULL DEFAULT '{}',
  categories        text[] NOT NULL DEFAULT '{}',
  source_categories text[] NOT NULL DEFAULT '{}',
  multiplier        integer NOT NULL CHECK (multiplier IN (1000, 100000)),
  polarity          text NOT NULL CHECK (polarity IN ('low-is-good', 'high-is-good', 'none')),
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_by        integer,
  created_at        timestamptz NOT NULL DEFAULT now(),
  -- A numerator must count something specific: every incident is not an indicator.
  CHECK (cardinality(categories) + cardinality(source_categories) > 0)
);
-- Codes appear in URLs and in the API, where B12B and b12b must not be two indicators.
CREATE UNIQUE INDEX indicators_code ON indicators (partnership_id, lower(code));
