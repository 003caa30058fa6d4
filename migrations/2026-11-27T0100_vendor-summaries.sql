-- Pre-merged hours and days of the minute rollups, so a vendor comparison (concepts §7) over
-- months reads a few thousand rows instead of millions. A cache of minute_rollups kept by the
-- reporting library (libs/reporting/src/vendor-summary.*): rows are rebuilt for the hours and
-- days that events folded since the last refresh touched, found from the log's commit order.
--
-- Series: model '' = all of a provider's models; platform '' = all platforms.
-- span_minutes: 60 (every hour with data), 1440 (every UTC day before summarized_days_end) or
-- 14400 (every ten-day block, aligned on the epoch, that ends by summarized_days_end).
-- Counts are sums; latency/ttft are merged latency sketches as big-endian int4 pairs
-- (bucket, count), by bucket; minute_mix holds, for the minutes with eligible requests, int4
-- triples (failures, eligible, minutes), so minute statuses can be judged under whatever
-- detection policy is in force when the comparison is asked.
CREATE TABLE vendor_summaries (
  platform text NOT NULL,
  span_minutes integer NOT NULL CHECK (span_minutes IN (60, 1440, 14400)),
  start_minute timestamptz NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  successes bigint NOT NULL,
  errors bigint NOT NULL,
  timeouts bigint NOT NULL,
  rate_limited bigint NOT NULL,
  client_errors bigint NOT NULL,
  latency_sketch bytea NOT NULL,
  ttft_sketch bytea NOT NULL,
  minute_mix bytea NOT NULL,
  PRIMARY KEY (platform, span_minutes, start_minute, provider, model)
);

-- One row: the timeline checkpoint the summaries reflect, the minute_rollups table they were
-- built from (a rebuild swaps in a new table: everything is summarized again), and the end of
-- the days that have day rows.
CREATE TABLE vendor_summary_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  transaction_id xid8,
  global_position bigint,
  rollups_table oid,
  summarized_days_end timestamptz
);
INSERT INTO vendor_summary_state DEFAULT VALUES;
