-- 0005: the inventory of shared workspaces and venues (issue 17). One row per real venue: from config/places.toml
-- (source "config") and from the locations of collected events, matched across sources and spellings by
-- refine.places_match. `aliases` are the spellings seen, `streets` their street keys (what matching compares).
-- No existing table changes: events are linked through event_places.
CREATE TABLE IF NOT EXISTS places (
    id             VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    kinds          VARCHAR[] NOT NULL DEFAULT [],   -- coworking, atelier, fablab, ... (refine.places_config.PLACE_KINDS)
    address        VARCHAR,                         -- street and number as written
    postcode       VARCHAR,
    city           VARCHAR,
    country        VARCHAR,                         -- ISO 3166-1 alpha-2
    region         VARCHAR,                         -- ISO 3166-2 (BE-BRU), as items have
    latitude       DOUBLE,
    longitude      DOUBLE,
    sectors        VARCHAR[] NOT NULL DEFAULT [],   -- config/sectors.toml ids
    equipment      VARCHAR[] NOT NULL DEFAULT [],   -- config/equipment.toml ids
    access         VARCHAR[] NOT NULL DEFAULT [],   -- members, public, booking
    price          VARCHAR,                         -- free, paid
    website        VARCHAR,
    contact        VARCHAR,
    languages      VARCHAR[] NOT NULL DEFAULT [],
    note           VARCHAR,
    part_of        VARCHAR,                         -- the place this one is inside
    aliases        VARCHAR[] NOT NULL DEFAULT [],
    streets        VARCHAR[] NOT NULL DEFAULT [],
    sources        VARCHAR[] NOT NULL DEFAULT [],   -- "config" and the registry names of the sources that saw it
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL
);

-- Which place an event happens at, and on what evidence (coordinates, address, name, new).
CREATE TABLE IF NOT EXISTS event_places (
    opportunity_id VARCHAR PRIMARY KEY,
    place_id       VARCHAR NOT NULL,
    matched_by     VARCHAR NOT NULL,
    location       VARCHAR,                         -- the event's location text the match was made on
    linked_at      TIMESTAMPTZ NOT NULL
);
