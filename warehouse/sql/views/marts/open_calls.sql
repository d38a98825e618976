-- Calls for projects, grants, residencies and prizes one can still apply to, soonest deadline first.
CREATE OR REPLACE VIEW open_calls AS
SELECT * EXCLUDE (next_date, is_live, search_text, content_hash)
FROM stg_opportunities
WHERE kind = 'call' AND is_live
ORDER BY deadline_at NULLS LAST, id;
