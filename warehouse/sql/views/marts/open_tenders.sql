-- Public tenders still open for offers, soonest deadline first.
CREATE OR REPLACE VIEW open_tenders AS
SELECT * EXCLUDE (next_date, is_live, search_text, content_hash)
FROM stg_opportunities
WHERE kind = 'tender' AND is_live
ORDER BY deadline_at NULLS LAST, id;
