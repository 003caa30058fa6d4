-- Read models derived from the outcome log, and the checkpoints of the projections that keep them.

-- Where each projection has read the log up to, in commit order (see outcome_events).
-- Written in the same transaction as the projection's read-model writes, compare-and-set.
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT '0',
  global_position bigint NOT NULL DEFAULT 0,
  events_folded bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per (provider, model, platform, UTC minute): counts per outcome, and latency sketches of
-- successful requests stored as [bucket, count, bucket, count, ...] (libs/domain latency-sketch.ts).
CREATE TABLE minute_rollups (
  provider text NOT NULL,
  model text NOT NULL,
  platform text NOT NULL,
  minute timestamptz NOT NULL,
  successes integer NOT NULL,
  errors integer NOT NULL,
  timeouts integer NOT NULL,
  rate_limited integer NOT NULL,
  client_errors integer NOT NULL,
  latency_sketch integer[] NOT NULL,
  ttft_sketch integer[] NOT NULL,
  PRIMARY KEY (provider, model, platform, minute)
);

CREATE INDEX minute_rollups_by_minute ON minute_rollups (minute);

-- Outages per series: platform '' is the model's series over all platforms.
CREATE TABLE outages (
  provider text NOT NULL,
  model text NOT NULL,
  platform text NOT NULL,
  start_minute timestamptz NOT NULL,
  end_minute timestamptz NOT NULL,
  severity text NOT NULL,
  peak_failures integer NOT NULL,
  peak_eligible integer NOT NULL,
  eligible_requests bigint NOT NULL,
  failed_requests bigint NOT NULL,
  platforms_affected integer NOT NULL,
  PRIMARY KEY (provider, model, platform, start_minute)
);

CREATE INDEX outages_by_end ON outages (provider, platform, end_minute);

-- Detection policy overrides (concepts §4): model '' is the provider-wide override.
CREATE TABLE detection_policies (
  provider text NOT NULL,
  model text NOT NULL,
  min_samples integer NOT NULL,
  degraded_at numeric NOT NULL,
  partial_at numeric NOT NULL,
  major_at numeric NOT NULL,
  merge_gap_minutes integer NOT NULL,
  live_window_minutes integer NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (provider, model)
);
