-- Each incoming id against what is stored: new, changed, or unchanged; old values kept for `changes`.
CREATE OR REPLACE TEMP TABLE matched AS
SELECT
    i.id,
    o.id IS NULL AS is_new,
    o.id IS NOT NULL AND o.content_hash IS DISTINCT FROM i.content_hash AS is_changed,
    o.deadline_at AS old_deadline_at,
    o.status AS old_status,
    o.title AS old_title,
    o.starts_at AS old_starts_at,
    o.ends_at AS old_ends_at,
    o.url AS old_url,
    o.flags AS old_flags
FROM incoming i
LEFT JOIN opportunities o ON o.id = i.id;
