-- Newsletter "upcoming events": open events of a theme not sent yet, not over and starting within the window.
-- Ids only, in section order. Placeholder filter: the theme's Filter condition.
-- Parameters after the filter's: sent ids, now, window end, how many.
SELECT id FROM opportunities
WHERE ({filter})
  AND kind = 'event'
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
  AND id NOT IN (SELECT unnest(?::VARCHAR[]))
  AND coalesce(ends_at, starts_at) >= ? AND starts_at <= ?
ORDER BY starts_at, id
LIMIT ?
