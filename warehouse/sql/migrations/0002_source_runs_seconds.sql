-- 0002: how long each source took in a run, so slow sources show in the ledger. Rows recorded before this
-- migration keep every value and get NULL here.
ALTER TABLE source_runs ADD COLUMN seconds DOUBLE;
