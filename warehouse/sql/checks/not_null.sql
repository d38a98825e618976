-- Rows where {column} is missing (NULL or an empty string).
SELECT {key}::VARCHAR AS failing FROM {table} WHERE {column} IS NULL OR {column}::VARCHAR = ''
