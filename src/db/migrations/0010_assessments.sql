-- Strategic assessments and violence problem profiles: one document per partnership,
-- template and period, with every edit kept as a numbered version. A published version
-- is frozen with the HTML and PDF it was rendered to, so what the board read can always
-- be shown again exactly.

CREATE TABLE assessments (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  template       text NOT NULL CHECK (template IN ('strategic-assessment', 'violence-problem-profile')),
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  period_from    date NOT NULL,
  period_to      date NOT NULL CHECK (period_to >= period_from),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, id),
  -- One document per template and period: generating it again adds a version to it.
  UNIQUE (partnership_id, template, period_from, period_to)
);

CREATE TABLE assessment_versions (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL,
  assessment_id  integer NOT NULL,
  version        integer NOT NULL CHECK (version >= 1),
  status         text NOT NULL CHECK (status IN ('draft', 'published')),
  -- The figures as gathered from the shared data (already suppressed for publication).
  evidence       jsonb NOT NULL,
  -- The analysts' words, by section key.
  narrative      jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Public concern per category (0-5), entered from surveys, ward panels and casework.
  concern        jsonb NOT NULL DEFAULT '{}'::jsonb,
  change_note    text NOT NULL DEFAULT '',
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  html           text,
  pdf            bytea,
  FOREIGN KEY (partnership_id, assessment_id) REFERENCES assessments (partnership_id, id) ON DELETE CASCADE,
  UNIQUE (assessment_id, version),
  CHECK (status = 'draft' OR (html IS NOT NULL AND pdf IS NOT NULL))
);
CREATE INDEX assessment_versions_partnership ON assessment_versions (partnership_id, assessment_id, version DESC);

-- A published version is a record of what was published: it cannot be changed. (Versions
-- are never deleted by Lantern; they go only with their partnership.)
CREATE FUNCTION assessment_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'published assessment versions cannot be changed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER assessment_versions_frozen BEFORE UPDATE ON assessment_versions
  FOR EACH ROW EXECUTE FUNCTION assessment_versions_frozen();
