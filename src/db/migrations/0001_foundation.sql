-- Foundation schema: partnerships, agencies, users, geography, agreements, sources,
-- uploads, incidents, quarantine, data quality, audit.
-- Every table carries partnership_id so that the schema can be distributed by it (Citus)
-- and every query can filter by it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE partnerships (
  id          serial PRIMARY KEY,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name        text NOT NULL,
  synthetic   boolean NOT NULL DEFAULT false,
  suppression_threshold integer NOT NULL DEFAULT 5 CHECK (suppression_threshold BETWEEN 1 AND 100),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agencies (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  name           text NOT NULL,
  type           text NOT NULL CHECK (type IN ('police','local-authority','fire-and-rescue','probation',
                   'health','ae-site','ambulance','youth-offending','education','voluntary-sector')),
  ods_code       text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, name)
);

CREATE TABLE users (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  agency_id      integer NOT NULL REFERENCES agencies(id),
  email          text NOT NULL UNIQUE CHECK (email = lower(email)),
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('partnership-admin','analyst','data-provider','practitioner','viewer')),
  password_hash  text NOT NULL,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_partnership ON users (partnership_id);

CREATE TABLE sessions (
  id_hash        text PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  user_id        integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);

CREATE TABLE api_tokens (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  agency_id      integer NOT NULL REFERENCES agencies(id),
  role           text NOT NULL CHECK (role IN ('partnership-admin','analyst','data-provider','practitioner','viewer')),
  name           text NOT NULL,
  token_hash     text NOT NULL UNIQUE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz
);

-- Geography -----------------------------------------------------------------------
CREATE TABLE areas (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  type           text NOT NULL CHECK (type IN ('lsoa11','lsoa21','msoa21','ward','lad','neighbourhood')),
  code           text NOT NULL,
  name           text NOT NULL,
  geometry       jsonb,
  population     integer,
  population_by_age jsonb,
  imd_rank       integer,
  imd_decile     smallint CHECK (imd_decile BETWEEN 1 AND 10),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, type, code)
);

-- Containment between areas of different types: LSOA in ward, ward in LAD, LSOA in a
-- custom neighbourhood, LSOA 2021 best fit to LSOA 2011.
CREATE TABLE area_links (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  child_id       integer NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
  parent_id      integer NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
  PRIMARY KEY (partnership_id, child_id, parent_id)
);
CREATE INDEX area_links_parent ON area_links (partnership_id, parent_id);

-- Agreements ----------------------------------------------------------------------
CREATE TABLE agreements (
  id              serial PRIMARY KEY,
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  title           text NOT NULL,
  purpose         text NOT NULL,
  legal_basis     text NOT NULL,
  datasets        text[] NOT NULL CHECK (cardinality(datasets) > 0),
  fields_shared   text NOT NULL,
  retention_months integer NOT NULL CHECK (retention_months BETWEEN 1 AND 600),
  record_level_export boolean NOT NULL DEFAULT false,
  start_date      date NOT NULL,
  review_date     date NOT NULL,
  end_date        date,
  created_by      integer REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date IS NULL OR end_date >= start_date),
  CHECK (review_date >= start_date)
);

CREATE TABLE agreement_parties (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  agreement_id   integer NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
  agency_id      integer NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (agreement_id, agency_id)
);

-- Sources, mappings, taxonomy -------------------------------------------------------
CREATE TABLE sources (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  slug           text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  kind           text NOT NULL CHECK (kind IN ('police-uk','istv','incidents')),
  name           text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, slug)
);

CREATE TABLE column_mappings (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  source_id      integer NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  mapping        jsonb NOT NULL,
  updated_by     integer REFERENCES users(id),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, source_id)
);

-- The partnership taxonomy spans sources; each source's own category maps into it.
CREATE TABLE categories (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  code           text NOT NULL,
  label          text NOT NULL,
  PRIMARY KEY (partnership_id, code)
);

CREATE TABLE category_map (
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  source_kind     text NOT NULL,
  source_category text NOT NULL,
  category_code   text NOT NULL,
  PRIMARY KEY (partnership_id, source_kind, source_category),
  FOREIGN KEY (partnership_id, category_code) REFERENCES categories(partnership_id, code)
);

-- Uploads, incidents, quarantine ------------------------------------------------------
CREATE TABLE uploads (
  id              serial PRIMARY KEY,
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  source_id       integer NOT NULL REFERENCES sources(id),
  agency_id       integer NOT NULL REFERENCES agencies(id),
  agreement_id    integer NOT NULL REFERENCES agreements(id),
  user_id         integer REFERENCES users(id),
  token_id        integer REFERENCES api_tokens(id),
  channel         text NOT NULL CHECK (channel IN ('web','cli','api','demo')),
  file_name       text NOT NULL,
  sha256          text NOT NULL,
  mode            text NOT NULL CHECK (mode IN ('all-or-nothing','quarantine')),
  status          text NOT NULL CHECK (status IN ('imported','refused')),
  rows_total      integer NOT NULL DEFAULT 0,
  rows_imported   integer NOT NULL DEFAULT 0,
  rows_replaced   integer NOT NULL DEFAULT 0,
  rows_rejected   integer NOT NULL DEFAULT 0,
  rows_quarantined integer NOT NULL DEFAULT 0,
  rows_without_location integer NOT NULL DEFAULT 0,
  rows_outside_area integer NOT NULL DEFAULT 0,
  encoding        text,
  report          jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_partnership ON uploads (partnership_id, source_id, finished_at DESC);

CREATE TABLE incidents (
  id              bigserial PRIMARY KEY,
  partnership_id  integer NOT NULL,
  source_id       integer NOT NULL,
  upload_id       integer NOT NULL,
  batch_key       text NOT NULL,
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
-- Foreign keys on incidents are enforced by the import (which resolves every id itself)
-- rather than per row by the database: they would halve bulk-load speed.
CREATE INDEX incidents_batch ON incidents (partnership_id, source_id, batch_key);
CREATE INDEX incidents_month ON incidents (partnership_id, month);

CREATE TABLE quarantined_rows (
  id             bigserial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  upload_id      integer NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  line           integer NOT NULL,
  problems       jsonb NOT NULL,
  -- Cells of a refused row are kept for correction, except those flagged as personal
  -- identifiers, which are never stored.
  raw            jsonb NOT NULL
);
CREATE INDEX quarantined_upload ON quarantined_rows (partnership_id, upload_id);

CREATE TABLE data_quality_findings (
  id             bigserial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  upload_id      integer NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  kind           text NOT NULL,
  summary        text NOT NULL,
  detail         jsonb NOT NULL DEFAULT '{}'::jsonb,
  row_count      integer NOT NULL
);
CREATE INDEX dq_upload ON data_quality_findings (partnership_id, upload_id);

-- Audit: append-only and hash-chained per partnership, so that an edited or deleted
-- event breaks the chain.
CREATE TABLE audit_events (
  id             bigserial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  at             timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_user_id  integer,
  actor_token_id integer,
  actor_label    text NOT NULL,
  agency_id      integer,
  action         text NOT NULL,
  record_type    text NOT NULL,
  record_id      text,
  detail         jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash      text NOT NULL,
  hash           text NOT NULL
);
CREATE INDEX audit_partnership ON audit_events (partnership_id, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
