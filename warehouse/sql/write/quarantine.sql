-- Refused records from the registered Arrow table `refused`.
INSERT INTO quarantine (run_id, source, native_id, reason, raw, quarantined_at)
SELECT $run_id, source, native_id, reason, raw::JSON, $at FROM refused
