-- Per source: consecutive failed runs up to the newest, average yield of recent good runs, last success.
WITH ranked AS (
    SELECT source, status, items, finished_at,
           row_number() OVER (PARTITION BY source ORDER BY finished_at DESC) AS rn
    FROM source_runs
), streak AS (
    SELECT source, min(rn) FILTER (WHERE status NOT IN ('failed', 'broken')) AS first_ok
    FROM ranked GROUP BY source
)
SELECT r.source,
       coalesce(s.first_ok, max(r.rn) + 1) - 1 AS consecutive_failures,
       avg(r.items) FILTER (WHERE r.status IN ('ok', 'degraded') AND r.rn <= 10) AS average_yield,
       max(r.finished_at) FILTER (WHERE r.status IN ('ok', 'degraded')) AS last_success
FROM ranked r JOIN streak s USING (source)
GROUP BY r.source, s.first_ok
