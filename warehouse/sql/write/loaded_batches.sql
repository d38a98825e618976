-- Staged batches taken in by this load, from the registered Arrow table `taken` (digest, run_id, source, items).
-- A digest already present fails the statement (primary key), and with it the whole load.
INSERT INTO loaded_batches (digest, run_id, source, items, loaded_at)
SELECT digest, run_id, source, items, $at FROM taken
