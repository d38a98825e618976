-- 0006: the refined batches workers staged as Parquet (warehouse.staging, issue 19) that a load took in, by
-- content digest. Recorded in the load's own transaction, so a batch is loaded once: a retried loader, or a
-- worker that wrote the same batch twice, finds its digest here and loads nothing again.
CREATE TABLE IF NOT EXISTS loaded_batches (
    digest     VARCHAR PRIMARY KEY,
    run_id     VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    items      INTEGER NOT NULL,
    loaded_at  TIMESTAMPTZ NOT NULL
);
