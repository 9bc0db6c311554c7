-- Venues: the licensed-premises register and the A&E location descriptions matched to it
-- (the Cardiff Model output: which premises produce the most assault injuries).

CREATE TABLE premises (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address        text NOT NULL,
  postcode       text NOT NULL,
  lon            double precision,
  lat            double precision,
  easting        integer,
  northing       integer,
  licensed_hours text,
  -- The name and first address line as the matcher compares them (venue-text.normaliser.ts).
  name_norm      text NOT NULL,
  address_norm   text NOT NULL,
  imported_at    timestamptz NOT NULL DEFAULT now(),
  -- Set when a re-imported register no longer lists the premises. The row stays, so
  -- that decisions naming it, and past attendances there, stay valid.
  removed_at     timestamptz,
  UNIQUE (partnership_id, id)
);
-- Re-importing the register updates premises in place rather than adding them again.
CREATE UNIQUE INDEX premises_identity ON premises (partnership_id, lower(name), postcode);
CREATE INDEX premises_name_trgm ON premises USING gin (name_norm gin_trgm_ops);
CREATE INDEX premises_address_trgm ON premises USING gin (address_norm gin_trgm_ops);

-- One row per normalised A&E location description, not per incident: incident ids change
-- when a batch is re-sent, and a decision that "outside liquid nightclub" means a venue
-- holds for every past and future row written that way.
CREATE TABLE venue_aliases (
  partnership_id   integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  description_norm text NOT NULL CHECK (description_norm <> ''),
  premises_id      integer,
  score            real NOT NULL DEFAULT 0,
  status           text NOT NULL CHECK (status IN ('matched', 'review', 'confirmed', 'rejected', 'no-match')),
  -- The best premises found, [{ "premisesId": 1, "score": 0.8 }, …], for people to choose from.
  candidates       jsonb NOT NULL DEFAULT '[]'::jsonb,
  matched_at       timestamptz NOT NULL DEFAULT now(),
  decided_by       text,
  decided_at       timestamptz,
  PRIMARY KEY (partnership_id, description_norm),
  FOREIGN KEY (partnership_id, premises_id) REFERENCES premises (partnership_id, id),
  CHECK ((status IN ('matched', 'confirmed')) = (premises_id IS NOT NULL)),
  CHECK ((status IN ('confirmed', 'rejected')) = (decided_at IS NOT NULL))
);
CREATE INDEX venue_aliases_premises ON venue_aliases (partnership_id, premises_id);

-- How each distinct description was written, and its normalised form: normalising runs
-- in the application, so this is what lets SQL join incidents to their venue.
CREATE TABLE venue_alias_texts (
  partnership_id   integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  location_desc    text NOT NULL,
  description_norm text NOT NULL,
  PRIMARY KEY (partnership_id, location_desc)
);
CREATE INDEX venue_alias_texts_norm ON venue_alias_texts (partnership_id, description_norm);
