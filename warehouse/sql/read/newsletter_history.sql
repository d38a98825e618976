-- Earlier issues of a newsletter theme, oldest first (Warehouse.newsletter_history).
SELECT * FROM newsletter_issues WHERE theme = $theme ORDER BY created_at, issue_id
