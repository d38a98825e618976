-- Unchanged items were seen again: only last_seen_at moves; their content, updated_at and run_id stay.
UPDATE opportunities AS o SET last_seen_at = $now
FROM matched m
WHERE o.id = m.id AND NOT m.is_new AND NOT m.is_changed;
