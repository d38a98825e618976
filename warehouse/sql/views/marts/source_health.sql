-- Per source: its latest run, last success, failed runs in a row, yields, and whether it needs a look.
--   status                the latest run's status (ok, degraded, empty, failed, broken)
--   consecutive_failures  failed/broken runs since the last run that was not a failure
--   last_yield            records collected by the latest run
--   average_yield         average records of the last 10 successful runs
--   flagged               true when the latest run was not ok, or the last yield is under half the average
CREATE OR REPLACE VIEW source_health AS
WITH streak AS (
    SELECT source, min(rn) FILTER (WHERE status NOT IN ('failed', 'broken')) AS first_not_failed,
           max(rn) AS runs
    FROM stg_source_runs
    GROUP BY source
), agg AS (
    SELECT source,
           max(finished_at) FILTER (WHERE succeeded) AS last_success,
           avg(items) FILTER (WHERE succeeded AND rn <= 10) AS average_yield
    FROM stg_source_runs
    GROUP BY source
)
SELECT
    l.source,
    l.run_id AS last_run_id,
    l.finished_at AS last_run_at,
    l.status,
    a.last_success,
    coalesce(s.first_not_failed, s.runs + 1) - 1 AS consecutive_failures,
    l.items AS last_yield,
    round(a.average_yield, 1) AS average_yield,
    l.status <> 'ok' OR (a.average_yield > 0 AND l.items < a.average_yield / 2) AS flagged,
    l.message AS last_message
FROM stg_source_runs l
JOIN streak s USING (source)
JOIN agg a USING (source)
WHERE l.rn = 1
ORDER BY flagged DESC, l.source;
