-- Whole items of the published snapshot for feeds, pages and newsletters (warehouse.filters.select_items).
-- Placeholders: filter, a Filter's WHERE condition (bound parameters only); order, an ORDER BY list that
-- Vigie's own code writes. Every column read costs a scan of it over the whole table (a few ms per 100,000
-- items), so only what feeds, pages and newsletters show is read. `place` is the event's place (event_places, issue
-- 17) as a struct of its id and name, NULL when the item is linked to none.
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
    updated_at,
    (
        SELECT struct_pack(id := places.id, name := places.name)
        FROM event_places JOIN places ON places.id = event_places.place_id
        WHERE event_places.opportunity_id = opportunities.id
    ) AS place
FROM opportunities
WHERE {filter}
ORDER BY {order}
