-- `vigie places` and the /places page: places by city (accent- and case-insensitive, part of the name), kind,
-- equipment, sector and distance (km, great circle) from a point; a NULL parameter does not filter.
SELECT *, CASE WHEN $lat IS NULL OR latitude IS NULL THEN NULL ELSE round(
           12742 * asin(sqrt(pow(sin(radians(latitude - $lat) / 2), 2)
           + cos(radians($lat)) * cos(radians(latitude)) * pow(sin(radians(longitude - $lon) / 2), 2))), 2)
       END AS km
FROM places_with_upcoming_events
WHERE ($city IS NULL OR contains(fold(coalesce(city, '')), fold($city)))
  AND ($kind IS NULL OR list_contains(kinds, $kind))
  AND ($equipment IS NULL OR list_contains(equipment, $equipment))
  AND ($sector IS NULL OR list_contains(sectors, $sector))
  AND ($lat IS NULL OR (latitude IS NOT NULL AND
       12742 * asin(sqrt(pow(sin(radians(latitude - $lat) / 2), 2)
       + cos(radians($lat)) * cos(radians(latitude)) * pow(sin(radians(longitude - $lon) / 2), 2))) <= $km))
ORDER BY km NULLS LAST, upcoming DESC, name, id;
