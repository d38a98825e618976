-- Rows whose {column} is set but not one of the accepted values ($values).
SELECT {key}::VARCHAR AS failing FROM {table}
WHERE {column} IS NOT NULL AND NOT list_contains($values::VARCHAR[], {column}::VARCHAR)
