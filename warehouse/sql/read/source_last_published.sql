-- Per source, the newest publication date stored: where an incremental collection starts again.
SELECT source, max(published_at) FROM opportunities GROUP BY source
