-- The provider-hours (UTC) whose minute rollups a timeline batch changed, keyed by where the
-- batch ends in the log. A projection that follows the timeline (the vendor summaries) takes the
-- rows of the batches it has not folded yet, instead of reading those batches' events from the
-- log a second time: a row lives from the timeline's batch to the follower's next one.
CREATE TABLE rollup_changes (
  transaction_id xid8 NOT NULL,
  global_position bigint NOT NULL,
  provider text NOT NULL,
  hour timestamptz NOT NULL,
  PRIMARY KEY (transaction_id, global_position, provider, hour)
);

-- A service stopped with the vendor summaries behind the timeline: the hours of the events in
-- between, as one change at the timeline's checkpoint (what the follower folds next).
INSERT INTO rollup_changes (transaction_id, global_position, provider, hour)
SELECT DISTINCT t.transaction_id, t.global_position, e.provider, date_trunc('hour', e.occurred_at, 'UTC')
FROM projection_checkpoints t
JOIN projection_checkpoints v ON v.name = 'vendor-summaries'
JOIN outcome_events e ON (e.transaction_id, e.global_position) > (v.transaction_id, v.global_position)
                     AND (e.transaction_id, e.global_position) <= (t.transaction_id, t.global_position)
WHERE t.name = 'timeline';
