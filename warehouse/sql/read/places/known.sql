-- Every stored place, for matching the next run's venues against them.
SELECT id, name, aliases, streets, address, postcode, city, country, latitude, longitude, part_of, sources
FROM places
ORDER BY id;
