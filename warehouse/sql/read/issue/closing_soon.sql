-- Newsletter "closing soon": open calls and tenders of a theme whose deadline falls in the window, not sent yet.
-- Ids only, in section order. Placeholder filter: the theme's Filter condition.
-- Parameters after the filter's: window start, window end, sent ids, how many.
SELECT id FROM opportunities
WHERE ({filter})
  AND kind IN ('call', 'tender')
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
  AND deadline_at >= ? AND deadline_at <= ?
  AND id NOT IN (SELECT unnest(?::VARCHAR[]))
ORDER BY deadline_at, id
LIMIT ?
