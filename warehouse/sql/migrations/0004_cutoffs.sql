-- 0004: every cut-off date of a call with several (EU Funding & Tenders topics, issue 13), ISO 8601 with offset, in
-- order; deadline_at is the next of them at the run's day. Rows stored before this migration get NULL until their
-- source is collected again.
ALTER TABLE opportunities ADD COLUMN cutoffs VARCHAR[];
