-- Every stored place, for matching the next run's venues and rows against them, and for writing back unchanged
-- what a run does not change (kinds, website… of a place an open-data file described).
SELECT * EXCLUDE (first_seen_at, last_seen_at)
FROM places
ORDER BY id;
