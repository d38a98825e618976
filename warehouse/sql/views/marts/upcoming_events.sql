-- Events that have not ended yet (and are not cancelled), in date order.
CREATE OR REPLACE VIEW upcoming_events AS
SELECT * EXCLUDE (next_date, is_live, search_text, content_hash)
FROM stg_opportunities
WHERE kind = 'event'
  AND coalesce(ends_at, starts_at) >= as_of()
  AND coalesce(status, 'open') <> 'cancelled'
ORDER BY starts_at, id;
