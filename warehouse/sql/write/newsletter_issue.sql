-- One newsletter issue (recording the same issue_id again replaces it, e.g. when it is sent after rendering).
INSERT OR REPLACE INTO newsletter_issues
    (issue_id, theme, lang, created_at, sent_at, recipients, subject, html_path, items)
VALUES ($issue_id, $theme, $lang, $created_at, $sent_at, $recipients, $subject, $html_path, $items::JSON)
