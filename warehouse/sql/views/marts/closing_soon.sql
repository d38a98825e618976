-- Calls and tenders whose deadline falls within the next 14 days, as of the moment the query runs.
CREATE OR REPLACE VIEW closing_soon AS
SELECT * EXCLUDE (next_date, is_live, search_text, content_hash),
       date_diff('day', now(), deadline_at) AS days_left
FROM stg_opportunities
WHERE deadline_at >= now()
  AND deadline_at < now() + INTERVAL 14 DAY
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
ORDER BY deadline_at, id;
