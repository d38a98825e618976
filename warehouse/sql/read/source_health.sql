-- Each source's health as `vigie sources` shows it (the source_health view of the published snapshot).
SELECT * FROM source_health
