-- Changed items: every content column rewritten, first_seen_at kept.
UPDATE opportunities AS o SET
    kind = i.kind, source = i.source, native_id = i.native_id, url = i.url, title = i.title,
    summary = i.summary, language = i.language, texts = i.texts, published_at = i.published_at,
    deadline_at = i.deadline_at, deadline_precision = i.deadline_precision, starts_at = i.starts_at,
    ends_at = i.ends_at, organiser = i.organiser, country = i.country, regions = i.regions, scope = i.scope,
    location = i.location, cpv = i.cpv, sectors = i.sectors, status = i.status,
    budget_amount = i.budget_amount, budget_currency = i.budget_currency, cluster_id = i.cluster_id,
    flags = i.flags, kind_reason = i.kind_reason, fit = i.fit, fit_reasons = i.fit_reasons,
    cutoffs = i.cutoffs,
    languages = i.languages, search_text = i.search_text, content_hash = i.content_hash,
    last_seen_at = $now, updated_at = $now, run_id = $run_id
FROM incoming i JOIN matched m USING (id)
WHERE o.id = i.id AND m.is_changed;
