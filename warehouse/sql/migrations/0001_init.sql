-- 0001: the warehouse of SPEC §4. Item columns follow spiders/items.py ITEM_FIELDS; the extra columns are the
-- ones docs/architecture.md promises to readers. Only `id` is constrained: a bad value must reach the table so
-- the declared checks (warehouse/checks.toml) can report it, instead of one bad item failing a whole run.

CREATE TABLE opportunities (
    id                 VARCHAR PRIMARY KEY,
    kind               VARCHAR,
    source             VARCHAR,
    native_id          VARCHAR,
    url                VARCHAR,
    title              VARCHAR,
    summary            VARCHAR,
    language           VARCHAR,
    texts              JSON,          -- {lang: {title, summary}} for every language the source gives
    published_at       TIMESTAMPTZ,
    deadline_at        TIMESTAMPTZ,
    deadline_precision VARCHAR,       -- 'datetime' or 'date' (a date-only deadline is 23:59:59 Brussels)
    starts_at          TIMESTAMPTZ,
    ends_at            TIMESTAMPTZ,
    organiser          VARCHAR,
    country            VARCHAR,
    regions            VARCHAR[],
    scope              VARCHAR,
    location           VARCHAR,
    cpv                VARCHAR[],
    sectors            VARCHAR[],
    status             VARCHAR,
    budget_amount      DOUBLE,
    budget_currency    VARCHAR,
    cluster_id         VARCHAR,
    flags              VARCHAR[],
    languages          VARCHAR[],     -- main language and every language of `texts`
    search_text        VARCHAR,       -- lower-cased, accent-stripped titles and summaries of every language
    content_hash       VARCHAR,       -- md5 of every item field: a row is rewritten only when it changes
    first_seen_at      TIMESTAMPTZ NOT NULL,
    last_seen_at       TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,  -- when the content last changed
    run_id             VARCHAR               -- the run that last inserted or changed the row
);

-- What changed on a stored item, field by field (deadline postponed, status cancelled, ...).
CREATE TABLE changes (
    id         VARCHAR NOT NULL,
    field      VARCHAR NOT NULL,
    old        VARCHAR,
    new        VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR
);

-- The run ledger: one row per source per run.
CREATE TABLE source_runs (
    run_id      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,   -- ok, degraded, empty, failed, broken
    items       INTEGER,            -- raw records collected
    valid       INTEGER,            -- items that passed refine
    new         INTEGER,
    updated     INTEGER,
    quarantined INTEGER,
    errors      INTEGER,
    bytes       BIGINT,
    message     VARCHAR,
    PRIMARY KEY (run_id, source)
);

-- Records refused by refine, kept with the reason and the raw record so nothing collected is lost.
CREATE TABLE quarantine (
    run_id    VARCHAR NOT NULL,
    source    VARCHAR,
    native_id VARCHAR,
    reason    VARCHAR NOT NULL,
    raw       JSON,
    quarantined_at TIMESTAMPTZ NOT NULL
);

-- What each newsletter issue sent: `items` is a list of {id, deadline_at, status, content_hash} as sent, so the
-- next issue of the theme repeats an item only when it changed.
CREATE TABLE newsletter_issues (
    issue_id   VARCHAR PRIMARY KEY,
    theme      VARCHAR NOT NULL,
    lang       VARCHAR,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ,
    recipients INTEGER,
    subject    VARCHAR,
    html_path  VARCHAR,
    items      JSON
);
