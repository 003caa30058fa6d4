-- Platform actions (concepts §11): what a platform did about a provider — disable, enable,
-- failover, failback — posted like outcome events (idempotent by id per platform). A log: the
-- service only appends to it. Reports read it directly (a platform records a handful a day).
CREATE TABLE platform_actions (
  platform text NOT NULL,
  action_id text NOT NULL,
  provider text NOT NULL,
  -- NULL: the whole provider.
  model text,
  action text NOT NULL CHECK (action IN ('disable', 'enable', 'failover', 'failback')),
  occurred_at timestamptz NOT NULL,
  target text,
  reason text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, action_id)
);

CREATE INDEX platform_actions_by_provider ON platform_actions (provider, occurred_at);

CREATE TRIGGER platform_actions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON platform_actions
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite();
