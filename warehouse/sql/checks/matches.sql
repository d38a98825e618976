-- Rows whose {column} is set but does not match the regular expression $pattern.
SELECT {key}::VARCHAR AS failing FROM {table}
WHERE {column} IS NOT NULL AND NOT regexp_full_match({column}::VARCHAR, $pattern)
