-- Staging: every stored opportunity with the derived columns the marts share.
--   next_date  the date that matters: the deadline, or the start for an event
--   is_live    not closed, cancelled or awarded, and its deadline (if any) not yet passed
CREATE OR REPLACE VIEW stg_opportunities AS
SELECT
    o.*,
    coalesce(o.deadline_at, o.starts_at) AS next_date,
    coalesce(o.status, 'open') IN ('open', 'forthcoming')
        AND (o.deadline_at IS NULL OR o.deadline_at >= as_of()) AS is_live
FROM opportunities o;
