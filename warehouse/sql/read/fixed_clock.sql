-- The instant a snapshot's as_of() answers, and whether it is a fixed day (a run made `vigie run --as-of`,
-- the demo) rather than the real clock: a live as_of() is now(), the transaction's start, so both are equal.
SELECT as_of() AS at, as_of() <> now() AS fixed
