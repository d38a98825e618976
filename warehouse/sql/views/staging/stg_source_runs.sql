-- Staging: the run ledger, newest run first per source (rn = 1 is the latest run).
CREATE OR REPLACE VIEW stg_source_runs AS
SELECT
    r.*,
    row_number() OVER (PARTITION BY r.source ORDER BY r.finished_at DESC NULLS LAST, r.run_id DESC) AS rn,
    r.status IN ('ok', 'degraded') AS succeeded
FROM source_runs r;
