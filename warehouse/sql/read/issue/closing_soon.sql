-- Newsletter "closing soon": open calls and tenders of a theme whose deadline falls in the window, not sent yet.
-- Ids only, in section order. Placeholder filter: the theme's Filter condition.
-- Parameters after the filter's: window start, window end, sent ids, how many.
SELECT id FROM opportunities
WHERE ({filter})
  AND kind IN ('call', 'tender')
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
  AND deadline_at >= ? AND deadline_at <= ?
  AND id NOT IN (SELECT unnest(?::VARCHAR[]))
-- newsletters.issue.rank_key: unlikely fit last, deadline day (Brussels), fit, freshest first
ORDER BY fit IS NOT DISTINCT FROM 'unlikely', (deadline_at AT TIME ZONE 'Europe/Brussels')::DATE NULLS LAST,
         CASE fit WHEN 'good' THEN 0 WHEN 'unlikely' THEN 2 ELSE 1 END, first_seen_at DESC NULLS LAST, id
LIMIT ?
