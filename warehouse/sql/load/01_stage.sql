-- The incoming batch (registered from Arrow as `batch`, already deduplicated by id) typed as the warehouse
-- stores it, with the derived columns. `texts` arrives as a MAP(lang -> {title, summary}) and is stored as
-- JSON. content_hash covers every item field (one slot per field, NULL as empty), so an unchanged item is
-- recognised without comparing columns one by one; md5 keeps it stable across DuckDB versions. A field added
-- later (cutoffs) is left out of the hash when empty (concat_ws skips NULL), so stored items keep their hash.
CREATE OR REPLACE TEMP TABLE incoming AS
WITH typed AS (SELECT *, to_json(texts) AS texts_json FROM batch)
SELECT
    id, kind, source, native_id, url, title, summary, language,
    texts_json AS texts,
    published_at::TIMESTAMPTZ AS published_at,
    deadline_at::TIMESTAMPTZ AS deadline_at,
    deadline_precision,
    starts_at::TIMESTAMPTZ AS starts_at,
    ends_at::TIMESTAMPTZ AS ends_at,
    organiser, country, regions, scope, location, cpv, sectors, status,
    budget_amount, budget_currency, cluster_id, flags, kind_reason, fit, fit_reasons, cutoffs,
    CASE WHEN language IS NULL THEN map_keys(texts)
         ELSE list_prepend(language, list_filter(map_keys(texts), lambda k: k <> language))
    END AS languages,
    fold(array_to_string(list_distinct(list_filter(list_concat(
        [title, summary],
        list_transform(map_values(texts), lambda t: t.title),
        list_transform(map_values(texts), lambda t: t.summary)), lambda s: s IS NOT NULL AND s <> '')), ' '))
        AS search_text,
    md5(concat_ws(chr(31),
        id, coalesce(kind, ''), coalesce(source, ''), coalesce(native_id, ''), coalesce(url, ''),
        coalesce(title, ''), coalesce(summary, ''), coalesce(language, ''), coalesce(texts_json::VARCHAR, ''),
        coalesce(published_at, ''), coalesce(deadline_at, ''), coalesce(deadline_precision, ''),
        coalesce(starts_at, ''), coalesce(ends_at, ''), coalesce(organiser, ''), coalesce(country, ''),
        coalesce(regions::VARCHAR, ''), coalesce(scope, ''), coalesce(location, ''), coalesce(cpv::VARCHAR, ''),
        coalesce(sectors::VARCHAR, ''), coalesce(status, ''), coalesce(budget_amount::VARCHAR, ''),
        coalesce(budget_currency, ''), coalesce(cluster_id, ''), coalesce(flags::VARCHAR, ''),
        coalesce(kind_reason, ''), coalesce(fit, ''), coalesce(fit_reasons::VARCHAR, ''),
        CASE WHEN len(cutoffs) > 0 THEN cutoffs::VARCHAR END)) AS content_hash
FROM typed;
