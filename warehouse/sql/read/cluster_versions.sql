-- The items of some clusters (the same opportunity from several sources or in several languages), for the
-- browse page's links to other-language versions (service.cards.other_versions). Parameter: cluster ids.
SELECT cluster_id, id, language, url
FROM opportunities
WHERE list_contains(?::VARCHAR[], cluster_id)
ORDER BY cluster_id, language, id
