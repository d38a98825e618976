-- 0003: why an item has its kind (refine.kind: `news` joins tender/call/event) and whether it suits a freelancer
-- (refine.fit). Rows stored before this migration keep every value; they get NULL here until their source is
-- collected again, and a NULL fit counts as "possible" in rankings.
ALTER TABLE opportunities ADD COLUMN kind_reason VARCHAR;
ALTER TABLE opportunities ADD COLUMN fit VARCHAR;            -- good, possible, unlikely (calls and tenders)
ALTER TABLE opportunities ADD COLUMN fit_reasons VARCHAR[];  -- short codes with values: "value>1M EUR", "sme:yes"
