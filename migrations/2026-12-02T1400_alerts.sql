-- Alerts (concepts §10): rules, the alerts evaluated from the rollups, and the webhook outbox.

-- The rules: the read model of the alert-rule admin events. A deleted rule keeps its row (its
-- alerts and deliveries still name it) with deleted_at set. `version` counts the changes that
-- alter what the rule evaluates, so the evaluation knows to derive the rule's alerts again.
CREATE TABLE alert_rules (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('MODEL_STATUS', 'BURN_RATE')),
  provider text,
  model text,
  platform text,
  contract_id text,
  min_severity text NOT NULL,
  for_minutes integer NOT NULL,
  webhook_url text NOT NULL,
  format text NOT NULL CHECK (format IN ('JSON', 'SLACK')),
  enabled boolean NOT NULL,
  -- The signing secret, sealed with AES-256-GCM under ALERT_SECRETS_KEY (operations.md).
  secret_sealed text NOT NULL,
  version integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);

-- Alert episodes, kept by the alerts projection. Minutes are epoch minutes: `started_minute` and
-- `resolved_minute` date the episode (the first minute of the run that decided it); the
-- *_decided minutes are the minutes whose evaluation decided each transition, so that late
-- events can undo exactly the transitions decided at or after the minute they change.
CREATE TABLE alerts (
  id text PRIMARY KEY,
  rule_id text NOT NULL,
  -- The model of a MODEL_STATUS rule watching each of its provider's models; '' otherwise.
  subject text NOT NULL,
  severity text NOT NULL,
  started_minute integer NOT NULL,
  fired_decided integer NOT NULL,
  escalated_decided integer,
  resolved_minute integer,
  resolved_decided integer
);
CREATE INDEX alerts_by_rule ON alerts (rule_id, started_minute);
CREATE INDEX alerts_by_start ON alerts (started_minute);

-- Where each rule's evaluation stands: what it evaluated with (the rule's version, the contract's
-- terms or the detection policies: a change of any derives the rule's alerts again) and the last
-- minute evaluated.
CREATE TABLE alert_rule_progress (
  rule_id text PRIMARY KEY,
  basis text NOT NULL,
  evaluated_through integer NOT NULL
);

-- A rule's evaluation state after a minute, stored only at minutes where it changed (a quiet rule
-- over healthy minutes stores nothing): a late event at minute m restarts the rule from its state
-- at the last row before m.
CREATE TABLE alert_rule_states (
  rule_id text NOT NULL,
  subject text NOT NULL,
  minute integer NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (rule_id, subject, minute)
);

-- The last complete minute: the minute before the latest one the rollups hold data for.
CREATE TABLE alert_horizon (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  minute integer NOT NULL
);

-- Per timeline batch and provider, the first and last minute whose rollups it changed: what the
-- alerts projection (which follows the timeline) takes to know which rules to evaluate again.
CREATE TABLE alert_rollup_changes (
  transaction_id xid8 NOT NULL,
  global_position bigint NOT NULL,
  provider text NOT NULL,
  first_minute integer NOT NULL,
  last_minute integer NOT NULL,
  PRIMARY KEY (transaction_id, global_position, provider)
);

-- The outbox: one delivery per transition of an alert (FIRING, ESCALATED, RESOLVED), written in
-- the transaction that commits the transition; `id` is X-Ledger-Delivery on every attempt. Not a
-- projection's table: a rebuild of the alerts leaves it alone, and a transition derived again
-- finds its delivery by (alert_id, transition) and is not sent twice.
CREATE TABLE alert_deliveries (
  id text PRIMARY KEY,
  alert_id text NOT NULL,
  rule_id text NOT NULL,
  transition text NOT NULL CHECK (transition IN ('FIRING', 'ESCALATED', 'RESOLVED')),
  body jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
  created_at timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  -- A worker sending it holds it until then; past it, another worker may take it over.
  leased_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  first_attempt_at timestamptz,
  finished_at timestamptz,
  UNIQUE (alert_id, transition)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX alert_deliveries_by_rule ON alert_deliveries (rule_id, created_at);

-- Every attempt to deliver, with what the receiver answered.
CREATE TABLE alert_delivery_attempts (
  delivery_id text NOT NULL REFERENCES alert_deliveries (id),
  attempt integer NOT NULL,
  at timestamptz NOT NULL,
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  -- The worker process that made it (host:pid), for finding one that is stuck.
  sent_by text NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
