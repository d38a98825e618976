-- Field-level history of changed items (the fields a reader acts on: a postponed deadline, a cancelled call, an
-- event whose organiser flags it postponed). Values are text; timestamps as ISO 8601 in Europe/Brussels time;
-- `postponed` is 'true' or 'false' (the flag an event gets when it is postponed or rescheduled).
-- One row per field whose value differs: the candidate fields are listed once, as structs, and unnested.
INSERT INTO changes (id, field, old, new, changed_at, run_id)
SELECT id, c.field, c.old, c.new, $now, $run_id
FROM (
    SELECT m.id, unnest([
        {'field': 'deadline_at', 'old': iso(m.old_deadline_at), 'new': iso(i.deadline_at)},
        {'field': 'status', 'old': m.old_status, 'new': i.status},
        {'field': 'title', 'old': m.old_title, 'new': i.title},
        {'field': 'starts_at', 'old': iso(m.old_starts_at), 'new': iso(i.starts_at)},
        {'field': 'ends_at', 'old': iso(m.old_ends_at), 'new': iso(i.ends_at)},
        {'field': 'url', 'old': m.old_url, 'new': i.url},
        {'field': 'postponed',
         'old': list_contains(coalesce(m.old_flags, []), 'postponed')::VARCHAR,
         'new': list_contains(coalesce(i.flags, []), 'postponed')::VARCHAR}
    ]) AS c
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed
)
WHERE c.old IS DISTINCT FROM c.new
ORDER BY id, c.field;
