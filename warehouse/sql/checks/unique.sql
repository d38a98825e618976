-- Rows whose {column} value appears more than once.
SELECT {column}::VARCHAR AS failing FROM {table} WHERE {column} IN (
    SELECT {column} FROM {table} WHERE {column} IS NOT NULL GROUP BY {column} HAVING count(*) > 1
)
