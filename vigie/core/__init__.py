"""The bottom layer: the item schema, errors, paths, text and language helpers, time zone. Imports nothing of Vigie."""
