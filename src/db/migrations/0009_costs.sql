-- Cost of crime: each partnership's own figures where they differ from the published Home
-- Office unit costs (src/modules/costs/unit-costs.data.ts), how its categories map to the
-- Home Office cost categories, and the inflation index to today's prices. The published
-- table itself lives in code, with its source per figure, so that a figure is never
-- changed in one partnership's database without a trace; only the partnership's own edits
-- live here, and removing a row restores the published figure.

CREATE TABLE cost_settings (
  partnership_id    integer PRIMARY KEY REFERENCES partnerships(id) ON DELETE CASCADE,
  -- GDP deflator index values copied from an HM Treasury release: the 2015/16 value (the
  -- price base of the unit costs) and the value for the year costs are shown in. Both or
  -- neither: today's prices are the ratio of the two.
  index_base        double precision CHECK (index_base > 0),
  index_current     double precision CHECK (index_current > 0),
  index_current_label text CHECK (length(index_current_label) BETWEEN 1 AND 40),
  index_source      text CHECK (length(index_source) <= 500),
  updated_by        text NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((index_base IS NULL) = (index_current IS NULL)),
  CHECK (index_current IS NULL OR (index_current_label IS NOT NULL AND index_source IS NOT NULL))
);

-- A partnership's replacement for one Home Office cost category's figures (2015/16 prices),
-- for example entered from its own copy of the report where Lantern's table has a gap.
CREATE TABLE cost_unit_overrides (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  cost_category  text NOT NULL CHECK (cost_category ~ '^[a-z][a-z-]{1,60}$'),
  total          double precision CHECK (total >= 0),
  -- { "policeCosts": 1234, ... }: only the components entered.
  components     jsonb NOT NULL DEFAULT '{}'::jsonb,
  source         text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  updated_by     text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partnership_id, cost_category)
);

-- A partnership's replacement for one mapping rule: which Home Office cost categories an
-- incident type stands for, in what shares, and whether it adds to the total or is shown
-- beside it (A&E attendances that may be the same assaults the police recorded).
CREATE TABLE cost_rules (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  rule_key       text NOT NULL CHECK (length(rule_key) BETWEEN 3 AND 260),
  -- [{ "costCategory": "violence-with-injury", "share": 0.25 }, ...]; shares sum to at most 1.
  mix            jsonb NOT NULL,
  treatment      text NOT NULL CHECK (treatment IN ('total', 'note')),
  basis          text NOT NULL CHECK (length(basis) BETWEEN 1 AND 1000),
  updated_by     text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partnership_id, rule_key)
);
