-- What loading one chunk did: the ids it inserted, the ids it rewrote, and the size of the table after it.
SELECT
    coalesce((SELECT list(id) FROM matched WHERE is_new), []::VARCHAR[]) AS new_ids,
    coalesce((SELECT list(id) FROM matched WHERE is_changed), []::VARCHAR[]) AS updated_ids,
    (SELECT count(*) FROM opportunities) AS total
