-- Calls and tenders (never news) whose deadline falls within the next 14 days, as of the moment the query runs.
CREATE OR REPLACE VIEW closing_soon AS
SELECT * EXCLUDE (next_date, is_live, search_text, content_hash),
       date_diff('day', as_of(), deadline_at) AS days_left
FROM stg_opportunities
WHERE kind IN ('call', 'tender')  -- news is kept, never pushed as something to answer
  AND deadline_at >= as_of()
  AND deadline_at < as_of() + INTERVAL 14 DAY
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
ORDER BY deadline_at, id;
