-- Newsletter "new": open calls and tenders of a theme not sent yet, without a deadline or with one after the
-- given instant (exclusive), first seen after the last issue when there was one. Ids only, in section order.
-- Placeholder filter: the theme's Filter condition.
-- Parameters after the filter's: sent ids, deadline after, last issue (NULL for none) twice, how many.
SELECT id FROM opportunities
WHERE ({filter})
  AND kind IN ('call', 'tender')
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
  AND id NOT IN (SELECT unnest(?::VARCHAR[]))
  AND (deadline_at IS NULL OR deadline_at > ?)
  AND (?::TIMESTAMPTZ IS NULL OR first_seen_at IS NULL OR first_seen_at > ?::TIMESTAMPTZ)
ORDER BY deadline_at NULLS LAST, id
LIMIT ?
