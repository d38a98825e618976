-- as_of(): the instant the views (closing_soon, open_calls, upcoming_events…) treat as "now". It is now(),
-- except in a warehouse built with `vigie run --as-of DATE` (the demo): then it is that day, so the views,
-- like the run's statuses, newsletters and feeds, answer as on that day. Each run sets it (warehouse/clock.py);
-- use it in your own queries instead of now() to get the same answers as the views.
CREATE OR REPLACE MACRO as_of() AS now();
