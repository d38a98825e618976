-- Rows where an element of the list {column} does not match the regular expression $pattern.
SELECT {key}::VARCHAR AS failing FROM {table}
WHERE NOT coalesce(list_bool_and(list_transform({column}, lambda v: regexp_full_match(v, $pattern))), true)
