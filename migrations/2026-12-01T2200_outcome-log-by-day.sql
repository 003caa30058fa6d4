-- The outcome log, partitioned by the UTC day of occurredAt (docs/scaling.md, "The partitioned log").
--
-- Why occurrence and not arrival: a retry carries the same occurredAt as the original, so it lands
-- in the same day's partition, where that day's unique index finds it. The indexes written in
-- random order (the event ids) are one day's worth each, small enough to stay in memory, and a
-- day's partition holds exactly the events of that day's minutes, which is what retention archives.
-- The price: (platform, id) is unique per UTC day of occurredAt. An id sent again with an
-- occurredAt on another day is stored as another event (a retry never does that).
--
-- Partitions are created on demand, one per day, by ensure_outcome_event_days (the ingest path
-- calls it for days it has not seen) and attached rather than created as PARTITION OF, which would
-- lock out ingest and reads while it runs.

ALTER TABLE outcome_events RENAME TO outcome_events_unpartitioned;
ALTER INDEX outcome_events_commit_order RENAME TO outcome_events_unpartitioned_commit_order;
DROP TRIGGER outcome_events_append_only ON outcome_events_unpartitioned;

CREATE SEQUENCE outcome_events_position CACHE 100;

CREATE TABLE outcome_events (
  -- Order of insertion. Readers pair it with transaction_id and never rely on it alone (see the
  -- first migration): a reader takes rows below the oldest running transaction, in
  -- (transaction_id, global_position) order, so a late commit is read late, never skipped.
  global_position bigint NOT NULL DEFAULT nextval('outcome_events_position'),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  platform text NOT NULL,
  event_id text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- The partition key: the UTC day of occurred_at (a partition key cannot be a generated column).
  occurred_on date NOT NULL,
  outcome outcome NOT NULL,
  http_status smallint,
  error_code text,
  latency_ms integer,
  ttft_ms integer,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT outcome_events_occurred_on_is_utc_day CHECK (occurred_on = (occurred_at AT TIME ZONE 'UTC')::date),
  CONSTRAINT outcome_events_platform_event_id_day_key UNIQUE (platform, event_id, occurred_on)
) PARTITION BY RANGE (occurred_on);

ALTER SEQUENCE outcome_events_position OWNED BY outcome_events.global_position;

CREATE INDEX outcome_events_commit_order ON outcome_events (transaction_id, global_position);

CREATE TRIGGER outcome_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON outcome_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite();

-- The partition of one day, named outcome_events_YYYYMMDD.
CREATE FUNCTION outcome_event_day_table(day date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'outcome_events_' || to_char(day, 'YYYYMMDD')
$$;

-- Creates and attaches the partitions of the given days that do not exist yet; returns how many
-- it created. A day whose table exists but is not attached is being archived: refused.
CREATE FUNCTION ensure_outcome_event_days(days date[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  day date;
  day_table text;
  created integer := 0;
BEGIN
  -- One creator at a time: two ingest requests for the same new day must not both create it.
  PERFORM pg_advisory_xact_lock(hashtext('outcome_events partitions'));
  FOR day IN SELECT DISTINCT d FROM unnest(days) AS d ORDER BY d LOOP
    day_table := outcome_event_day_table(day);
    IF to_regclass(day_table) IS NOT NULL THEN
      IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = 'outcome_events'::regclass AND inhrelid = to_regclass(day_table)) THEN
        RAISE EXCEPTION 'the outcome events of % are being archived', day USING ERRCODE = 'object_in_use';
      END IF;
      CONTINUE;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE outcome_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', day_table);
    EXECUTE format('ALTER TABLE outcome_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', day_table, day, day + 1);
    -- Statement triggers are not inherited: a partition refuses rewrites on its own too.
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite()', day_table);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- The events stored so far move over with their positions, so every checkpoint stays valid.
SELECT ensure_outcome_event_days(array_agg(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date))
FROM outcome_events_unpartitioned
HAVING count(*) > 0;

INSERT INTO outcome_events (global_position, transaction_id, platform, event_id, provider, model, occurred_at, occurred_on,
                            outcome, http_status, error_code, latency_ms, ttft_ms, recorded_at)
SELECT global_position, transaction_id, platform, event_id, provider, model, occurred_at, (occurred_at AT TIME ZONE 'UTC')::date,
       outcome, http_status, error_code, latency_ms, ttft_ms, recorded_at
FROM outcome_events_unpartitioned
ORDER BY transaction_id, global_position;

SELECT setval('outcome_events_position', max(global_position)) FROM outcome_events_unpartitioned HAVING count(*) > 0;

DROP TABLE outcome_events_unpartitioned;
