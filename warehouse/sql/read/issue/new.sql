-- Newsletter "new": open calls and tenders of a theme not sent yet, without a deadline or with one after the
-- given instant (exclusive). Ids only, in section order. Not "first seen after the last issue": only what was
-- sent counts as seen, so an item that did not fit last time is still offered.
-- Placeholder filter: the theme's Filter condition.
-- Parameters after the filter's: sent ids, deadline after, how many.
SELECT id FROM opportunities
WHERE ({filter})
  AND kind IN ('call', 'tender')
  AND coalesce(status, 'open') IN ('open', 'forthcoming')
  AND id NOT IN (SELECT unnest(?::VARCHAR[]))
  AND (deadline_at IS NULL OR deadline_at > ?)
-- newsletters.issue.rank_key: unlikely fit last, deadline day (Brussels), fit, freshest first
ORDER BY fit IS NOT DISTINCT FROM 'unlikely', (deadline_at AT TIME ZONE 'Europe/Brussels')::DATE NULLS LAST,
         CASE fit WHEN 'good' THEN 0 WHEN 'unlikely' THEN 2 ELSE 1 END, first_seen_at DESC NULLS LAST, id
LIMIT ?
