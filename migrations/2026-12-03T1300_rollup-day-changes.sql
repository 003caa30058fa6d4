-- Where in the log the timeline last changed the minute rollups of a platform, provider and UTC
-- day: one row per day, moved forward in each batch's transaction and never deleted. A traffic
-- summary of a contract's days read at position P is still exact while none of those days has a
-- row after P (reporting's TrafficCache), so a live SLA report re-reads only the days that changed.
CREATE TABLE rollup_day_changes (
  platform text NOT NULL,
  provider text NOT NULL,
  day timestamptz NOT NULL,
  transaction_id xid8 NOT NULL,
  global_position bigint NOT NULL,
  PRIMARY KEY (platform, provider, day)
);
