-- The run ledger from the registered Arrow table `ledger` (all text, typed here).
INSERT OR REPLACE INTO source_runs BY NAME
SELECT run_id, source, started_at::TIMESTAMPTZ AS started_at, finished_at::TIMESTAMPTZ AS finished_at, status,
       items::INTEGER AS items, valid::INTEGER AS valid, new::INTEGER AS new, updated::INTEGER AS updated,
       quarantined::INTEGER AS quarantined, errors::INTEGER AS errors, bytes::BIGINT AS bytes, message,
       seconds::DOUBLE AS seconds
FROM ledger
