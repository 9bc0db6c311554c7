-- Most similar partnerships ("family"): other partnerships' (or areas') figures loaded by
-- this partnership, their characteristics, and the family the partnership has chosen.
-- Comparator rows belong to the partnership that loaded them (every table carries
-- partnership_id): another partnership never sees them, and two partnerships may hold
-- different vintages of the same published figures.

-- One row per file (or Met folder) loaded, for the "what is loaded" page and the audit trail.
CREATE TABLE family_loads (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('figures', 'characteristics', 'met')),
  file_name      text NOT NULL,
  sha256         text,
  rows_loaded    integer NOT NULL,
  rows_replaced  integer NOT NULL DEFAULT 0,
  areas          integer NOT NULL,
  indicators     text[] NOT NULL DEFAULT '{}',
  loaded_by      text NOT NULL,
  loaded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX family_loads_partnership ON family_loads (partnership_id, loaded_at DESC);

-- A comparator area: a partnership, local authority or any area whose figures were loaded.
-- Characteristics are nullable because a figures file names areas before (or without) a
-- characteristics file describing them.
CREATE TABLE family_areas (
  partnership_id      integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  code                text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
  name                text NOT NULL,
  population          integer CHECK (population > 0),
  area_km2            double precision CHECK (area_km2 > 0),
  deprived_share      double precision CHECK (deprived_share BETWEEN 0 AND 1),
  imd_mean_rank       double precision CHECK (imd_mean_rank > 0),
  aged_0_15           double precision CHECK (aged_0_15 BETWEEN 0 AND 1),
  aged_16_29          double precision CHECK (aged_16_29 BETWEEN 0 AND 1),
  aged_65_plus        double precision CHECK (aged_65_plus BETWEEN 0 AND 1),
  characteristics_source text,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partnership_id, code)
);

-- numerator / denominator × multiplier is the rate (per 1,000 or per 100,000 residents).
-- A period is whole months, first to last; age_band '' is all ages.
CREATE TABLE family_figures (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  indicator      text NOT NULL CHECK (indicator ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
  area_code      text NOT NULL,
  first_month    date NOT NULL CHECK (extract(day FROM first_month) = 1),
  last_month     date NOT NULL CHECK (extract(day FROM last_month) = 1),
  age_band       text NOT NULL DEFAULT '',
  numerator      double precision NOT NULL CHECK (numerator >= 0),
  denominator    double precision NOT NULL CHECK (denominator > 0),
  multiplier     integer NOT NULL CHECK (multiplier IN (1, 100, 1000, 10000, 100000)),
  load_id        integer NOT NULL REFERENCES family_loads(id),
  PRIMARY KEY (partnership_id, indicator, area_code, first_month, last_month, age_band),
  FOREIGN KEY (partnership_id, area_code) REFERENCES family_areas(partnership_id, code) ON DELETE CASCADE,
  CHECK (last_month >= first_month)
);

-- How the partnership's family is chosen. No row: the default (the 10 nearest on the
-- default characteristics).
CREATE TABLE family_definitions (
  partnership_id  integer PRIMARY KEY REFERENCES partnerships(id) ON DELETE CASCADE,
  method          text NOT NULL CHECK (method IN ('nearest', 'chosen')),
  k               integer NOT NULL CHECK (k BETWEEN 1 AND 50),
  characteristics text[] NOT NULL,
  members         text[] NOT NULL DEFAULT '{}',
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
