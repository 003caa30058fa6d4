-- A contract may count an error as a failure only when its HTTP status matches ("5xx", "529"):
-- each minute rollup keeps its errors by status and by class, {"529": 4210, "500": 3, "5xx":
-- 4213, "none": 1} ("none": errors without a status), NULL when it has no errors; a contract's
-- entries are then each one lookup.
ALTER TABLE minute_rollups ADD COLUMN error_statuses jsonb;

-- The rollups the timeline has folded get their errors' statuses from the log, up to its
-- checkpoint (what lies beyond, it adds when it folds it). Days already archived out of the log
-- keep NULL: their errors then match no status, until they are restored and the read models rebuilt.
WITH checkpoint AS (
  SELECT transaction_id, global_position FROM projection_checkpoints WHERE name = 'timeline'
), by_status AS (
  SELECT e.provider, e.model, e.platform, to_timestamp(floor(extract(epoch FROM e.occurred_at) / 60) * 60) AS minute,
         coalesce(e.http_status::text, 'none') AS status, count(*)::int AS n
  FROM outcome_events e, checkpoint c
  WHERE e.outcome = 'error' AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position)
  GROUP BY 1, 2, 3, 4, 5
), by_key AS (
  SELECT provider, model, platform, minute, status AS key, n FROM by_status
  UNION ALL
  SELECT provider, model, platform, minute, left(status, 1) || 'xx', sum(n)::int FROM by_status WHERE status <> 'none' GROUP BY 1, 2, 3, 4, 5
), by_rollup AS (
  SELECT provider, model, platform, minute, jsonb_object_agg(key, n) AS statuses
  FROM by_key
  GROUP BY 1, 2, 3, 4
)
UPDATE minute_rollups r SET error_statuses = b.statuses
FROM by_rollup b
WHERE r.provider = b.provider AND r.model = b.model AND r.platform = b.platform AND r.minute = b.minute;

-- A claim's evidence and an evidence run's failures by status read the events of a few minutes:
-- a BRIN index finds them within a day's partition (events arrive roughly in time order) at
-- almost no cost to ingest.
CREATE INDEX outcome_events_occurred_at ON outcome_events USING brin (occurred_at);
