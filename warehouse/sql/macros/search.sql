-- Accent-insensitive full-text search in every language (the fts extension is not available offline for
-- DuckDB 2.0.0). `fold` is how `opportunities.search_text` is stored; `search('théâtre bruxelles')` returns
-- the opportunities whose titles or summaries, in any language, contain every word (substrings count, so
-- 'schouwburg' finds 'Stadsschouwburg').
-- Mirrors vigie.core.text.fold: lower case, the three ligatures spelt out, accents stripped, other scripts kept.
CREATE OR REPLACE MACRO fold(text) AS
    strip_accents(replace(replace(replace(replace(replace(lower(text), 'œ', 'oe'), 'æ', 'ae'), 'ß', 'ss'),
                                  '’', ''''), '‘', ''''));

CREATE OR REPLACE MACRO search(q) AS TABLE
    SELECT *
    FROM opportunities
    WHERE list_bool_and(list_transform(
              list_filter(string_split(fold(q), ' '), lambda w: w <> ''),
              lambda w: contains(search_text, w)));

-- An ISO 8601 timestamp with its offset, in the session time zone (Europe/Brussels in Vigie).
CREATE OR REPLACE MACRO iso(ts) AS strftime(ts, '%Y-%m-%dT%H:%M:%S%z') || ':00';
