-- Days of the outcome log archived to files and dropped (RAW_EVENTS_RETENTION_DAYS; docs/operations.md,
-- "Retention and archive"). A row is written in the transaction that drops the day's partition, after
-- the archive was written and verified. A restored day has its partition back and keeps its row.
CREATE TABLE outcome_archives (
  day date PRIMARY KEY,
  events bigint NOT NULL,
  -- SHA-256 (hex) of the archive's compressed NDJSON file, as its manifest says.
  sha256 text NOT NULL,
  -- The first and last event in commit order, as transaction_id:global_position.
  first_position text,
  last_position text,
  archived_at timestamptz NOT NULL DEFAULT now()
);
