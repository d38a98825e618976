-- New items.
INSERT INTO opportunities BY NAME
SELECT i.*, $now AS first_seen_at, $now AS last_seen_at, $now AS updated_at, $run_id AS run_id
FROM incoming i JOIN matched m USING (id)
WHERE m.is_new;
