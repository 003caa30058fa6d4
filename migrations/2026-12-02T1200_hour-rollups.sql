-- Hour sums of the minute rollups, kept by the timeline in the transaction of each fold: a
-- contract's month is ~720 rows a model instead of ~43,200, and burn-rate windows of hours and
-- days read hours too. minute_rollups stays the record; these rows are its sums.
--
-- peak_failure_ppb: the highest, over the hour's rows, of ceil(10⁹ × (errors + timeouts) /
-- (successes + errors + timeouts)), 0 for rows without such requests; peak_failure_rl_ppb the
-- same with rate-limited requests counted as failures too. A contract that does not count
-- rate-limited requests never counts more of a row's requests as failures than the first, one
-- that does than the second (fewer counted errors or timeouts only lower a row's ratio), so an
-- hour whose peak is below a contract's threshold holds no minute at or above it and is never
-- read minute by minute. The test is exact: integers only.
CREATE TABLE hour_rollups (
  platform text NOT NULL,
  provider text NOT NULL,
  hour timestamptz NOT NULL,
  model text NOT NULL,
  successes bigint NOT NULL,
  errors bigint NOT NULL,
  timeouts bigint NOT NULL,
  rate_limited bigint NOT NULL,
  client_errors bigint NOT NULL,
  error_statuses jsonb,
  peak_failure_ppb bigint NOT NULL,
  peak_failure_rl_ppb bigint NOT NULL,
  PRIMARY KEY (platform, provider, hour, model)
);

INSERT INTO hour_rollups (platform, provider, hour, model, successes, errors, timeouts, rate_limited, client_errors, error_statuses, peak_failure_ppb, peak_failure_rl_ppb)
SELECT m.platform, m.provider, to_timestamp(floor(extract(epoch FROM m.minute) / 3600) * 3600), m.model,
       sum(m.successes), sum(m.errors), sum(m.timeouts), sum(m.rate_limited), sum(m.client_errors),
       (SELECT jsonb_object_agg(s.key, s.n) FROM (
          SELECT e.key, sum(e.value::int8) AS n FROM unnest(array_agg(m.error_statuses)) AS j(statuses), jsonb_each_text(j.statuses) AS e GROUP BY e.key) AS s),
       max(CASE WHEN m.successes + m.errors + m.timeouts = 0 THEN 0
                ELSE ((m.errors::int8 + m.timeouts) * 1000000000 + m.successes + m.errors + m.timeouts - 1) / (m.successes::int8 + m.errors + m.timeouts) END),
       max(CASE WHEN m.successes + m.errors + m.timeouts + m.rate_limited = 0 THEN 0
                ELSE ((m.errors::int8 + m.timeouts + m.rate_limited) * 1000000000 + m.successes + m.errors + m.timeouts + m.rate_limited - 1)
                     / (m.successes::int8 + m.errors + m.timeouts + m.rate_limited) END)
FROM minute_rollups m
GROUP BY 1, 2, 3, 4;
