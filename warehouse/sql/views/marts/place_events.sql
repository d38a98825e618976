-- Each event with its place (event_places, filled by the places step of a run): the event's title, dates, link
-- and status next to the place's id, name and city. One row per linked event.
CREATE OR REPLACE VIEW place_events AS
SELECT p.id AS place_id, p.name AS place_name, p.city AS place_city,
       o.id AS opportunity_id, o.title, o.starts_at, o.ends_at, o.url, o.status, o.source, l.matched_by
FROM event_places l
JOIN places p ON p.id = l.place_id
JOIN opportunities o ON o.id = l.opportunity_id
ORDER BY p.id, o.starts_at, o.id;
