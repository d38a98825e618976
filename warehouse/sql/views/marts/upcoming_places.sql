-- (File named to sort after upcoming_events.sql: views of one folder are created in file-name order.)
-- Every place, with how many of its events have not ended yet (and are not cancelled) and when the next one
-- starts; places with none have upcoming = 0. Working groups: docs/working-groups.md, "Places".
CREATE OR REPLACE VIEW places_with_upcoming_events AS
SELECT p.* EXCLUDE (streets),
       count(u.id) AS upcoming,
       min(u.starts_at) AS next_event_at,
       list(struct_pack(id := u.id, title := u.title, starts_at := u.starts_at, url := u.url)
            ORDER BY u.starts_at, u.id) FILTER (WHERE u.id IS NOT NULL) AS upcoming_events
FROM places p
LEFT JOIN event_places l ON l.place_id = p.id
LEFT JOIN upcoming_events u ON u.id = l.opportunity_id
GROUP BY ALL
ORDER BY upcoming DESC, p.name, p.id;
