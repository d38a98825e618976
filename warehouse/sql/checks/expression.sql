-- Rows for which the declared condition is not true.
SELECT {key}::VARCHAR AS failing FROM {table} WHERE NOT coalesce(({expression}), false)
