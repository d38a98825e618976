-- The run's event -> place links (Arrow table `run_links`): an event moved to another venue gets its new place.
INSERT INTO event_places BY NAME
SELECT opportunity_id, place_id, matched_by, location, $now AS linked_at FROM run_links
ON CONFLICT (opportunity_id) DO UPDATE SET
    place_id = excluded.place_id, matched_by = excluded.matched_by, location = excluded.location,
    linked_at = $now;
