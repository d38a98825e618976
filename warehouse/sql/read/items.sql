-- Whole items of the published snapshot for feeds, pages and newsletters (warehouse.filters.select_items).
-- Placeholders: filter, a Filter's WHERE condition (bound parameters only); order, an ORDER BY list that
-- Vigie's own code writes. Every column read costs a scan of it over the whole table (a few ms per 100,000
-- items), so only what feeds, pages and newsletters show is read.
SELECT
    id,
    kind,
    source,
    native_id,
    url,
    title,
    summary,
    language,
    texts,
    published_at,
    deadline_at,
    deadline_precision,
    starts_at,
    ends_at,
    organiser,
    country,
    regions,
    scope,
    location,
    cpv,
    sectors,
    status,
    budget_amount,
    budget_currency,
    cluster_id,
    languages,
    flags,
    fit,
    first_seen_at,
    last_seen_at,
    updated_at
FROM opportunities
WHERE {filter}
ORDER BY {order}
