-- Field-level history of changed items (the fields a reader acts on: a postponed deadline, a cancelled call).
-- Values are text; timestamps as ISO 8601 in Europe/Brussels time.
INSERT INTO changes (id, field, old, new, changed_at, run_id)
SELECT id, field, old, new, $now, $run_id
FROM (
    SELECT m.id, 'deadline_at' AS field, iso(m.old_deadline_at) AS old, iso(i.deadline_at) AS new
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed AND m.old_deadline_at IS DISTINCT FROM i.deadline_at
    UNION ALL
    SELECT m.id, 'status', m.old_status, i.status
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed AND m.old_status IS DISTINCT FROM i.status
    UNION ALL
    SELECT m.id, 'title', m.old_title, i.title
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed AND m.old_title IS DISTINCT FROM i.title
    UNION ALL
    SELECT m.id, 'starts_at', iso(m.old_starts_at), iso(i.starts_at)
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed AND m.old_starts_at IS DISTINCT FROM i.starts_at
    UNION ALL
    SELECT m.id, 'ends_at', iso(m.old_ends_at), iso(i.ends_at)
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed AND m.old_ends_at IS DISTINCT FROM i.ends_at
    UNION ALL
    SELECT m.id, 'url', m.old_url, i.url
    FROM matched m JOIN incoming i USING (id)
    WHERE m.is_changed AND m.old_url IS DISTINCT FROM i.url
)
ORDER BY id, field;
