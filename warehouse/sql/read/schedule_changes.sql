-- How many times each of some items had one of some fields changed (feeds: the iCalendar SEQUENCE).
-- Parameters: the fields, the item ids.
SELECT id, count(*)
FROM changes
WHERE field IN (SELECT unnest(?::VARCHAR[]))
  AND id IN (SELECT unnest(?::VARCHAR[]))
GROUP BY id
