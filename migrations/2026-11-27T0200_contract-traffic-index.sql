-- SLA reports sum a contract's rollups over a month (its platform and provider, all or some
-- models). The index they range-scan now carries the columns summed, so the scan reads no heap
-- pages (once vacuum has marked them all-visible). It keeps its name: rebuilds copy indexes by name.
DROP INDEX minute_rollups_by_platform;
CREATE INDEX minute_rollups_by_platform ON minute_rollups (platform, provider, minute)
  INCLUDE (model, successes, errors, timeouts, rate_limited, client_errors);
