-- What refine.clusters needs of every stored item to keep clusters stable across runs. The date that places an
-- item for matching is its deadline or start, else "m" + its publication month (refine.match_keys.when).
SELECT
    id,
    coalesce(cluster_id, id),
    title,
    coalesce(iso(coalesce(deadline_at, starts_at)), 'm' || strftime(published_at, '%Y-%m')),
    organiser
FROM opportunities
ORDER BY id
