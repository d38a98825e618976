-- The places of one run (Arrow table `run_places`), upserted: a known place keeps its first_seen_at; config rows
-- overwrite what working groups may edit; spellings, street keys and sources accumulate.
INSERT INTO places BY NAME
SELECT *, $now AS first_seen_at, $now AS last_seen_at FROM run_places
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, kinds = excluded.kinds, address = excluded.address, postcode = excluded.postcode,
    city = excluded.city, country = excluded.country, region = excluded.region, latitude = excluded.latitude,
    longitude = excluded.longitude, sectors = excluded.sectors, equipment = excluded.equipment,
    access = excluded.access, price = excluded.price, website = excluded.website, contact = excluded.contact,
    languages = excluded.languages, note = excluded.note, part_of = excluded.part_of,
    aliases = list_distinct(list_concat(places.aliases, excluded.aliases)),
    streets = list_distinct(list_concat(places.streets, excluded.streets)),
    sources = list_distinct(list_concat(places.sources, excluded.sources)),
    last_seen_at = $now;

-- A config place a working group removed from places.toml leaves the inventory unless events still happen there.
DELETE FROM places
WHERE sources = ['config'] AND id NOT IN (SELECT id FROM run_places)
  AND id NOT IN (SELECT place_id FROM event_places);
