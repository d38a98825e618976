-- What refine.dedupe needs of every stored item to keep clusters stable across runs.
SELECT id, coalesce(cluster_id, id), title, iso(coalesce(deadline_at, starts_at)), organiser
FROM opportunities
ORDER BY id
