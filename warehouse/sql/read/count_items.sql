-- How many items match a filter (warehouse.filters.count_items).
-- Placeholder filter: a Filter's WHERE condition, TRUE for all.
SELECT count(*) FROM opportunities WHERE {filter}
