-- Token buckets of the per-key rate limits, shared by every API process.
CREATE TABLE rate_limit_buckets (
  key_id text NOT NULL,
  kind text NOT NULL,
  tokens double precision NOT NULL,
  refreshed_at timestamptz NOT NULL,
  PRIMARY KEY (key_id, kind)
);
