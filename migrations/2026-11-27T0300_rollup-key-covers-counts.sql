-- One text-keyed index on minute_rollups instead of two. The primary key now carries the counts
-- (INCLUDE), so SLA reports — a contract's platform and provider over a month, all or some
-- models — read it alone: Postgres 18 skips through its few models (a skip scan), index-only
-- once vacuum has marked the pages all-visible. The separate (platform, provider, minute) index
-- goes. Why it matters: a rebuild writes the rows in primary-key order, so the key is built
-- from presorted input in a fraction of the time any other text-keyed order needs (sorting
-- 2 million rows on text columns is the slowest step of a rebuild otherwise).
DROP INDEX minute_rollups_by_platform;
ALTER TABLE minute_rollups
  DROP CONSTRAINT minute_rollups_pkey,
  ADD CONSTRAINT minute_rollups_pkey PRIMARY KEY (provider, model, platform, minute)
    INCLUDE (successes, errors, timeouts, rate_limited, client_errors);
