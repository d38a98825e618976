-- Items a theme already sent whose deadline, start or status changed since; a hash join, because over a
-- history of thousands of ids list_contains tests every pair. Placeholder filter: the theme's Filter condition.
-- Parameters: the sent records as (sid, sdeadline, sstart, sstatus) structs, then the filter's.
SELECT o.id
FROM opportunities o
JOIN (
    SELECT unnest(?::STRUCT(sid VARCHAR, sdeadline VARCHAR, sstart VARCHAR, sstatus VARCHAR)[], recursive := true)
) s ON o.id = s.sid
WHERE ({filter})
  AND (o.deadline_at IS DISTINCT FROM s.sdeadline::TIMESTAMPTZ
       OR o.starts_at IS DISTINCT FROM s.sstart::TIMESTAMPTZ
       OR coalesce(o.status, 'open') IS DISTINCT FROM s.sstatus)
