-- The outcome event log (concepts §2): one row per provider request a platform observed.
-- Append-only; every read model is derived from it.

CREATE TYPE outcome AS ENUM ('success', 'error', 'timeout', 'rate_limited', 'client_error');

CREATE TABLE outcome_events (
  -- Order of insertion. Readers pair it with transaction_id (see below) and never rely on it alone.
  global_position bigint GENERATED ALWAYS AS IDENTITY (CACHE 100) PRIMARY KEY,
  -- The writing transaction. A reader takes only rows with transaction_id below the oldest
  -- transaction still running (pg_snapshot_xmin), ordered by (transaction_id, global_position),
  -- so it never skips an event whose transaction commits after a later-numbered one.
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  platform text NOT NULL,
  event_id text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  occurred_at timestamptz NOT NULL,
  outcome outcome NOT NULL,
  http_status smallint,
  error_code text,
  latency_ms integer,
  ttft_ms integer,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT outcome_events_platform_event_id_key UNIQUE (platform, event_id)
);

CREATE INDEX outcome_events_commit_order ON outcome_events (transaction_id, global_position);

-- Administrative facts (keys created and revoked; later contracts, maintenance, policies).
CREATE TABLE admin_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  type text NOT NULL,
  data jsonb NOT NULL,
  -- The key that caused the fact (null for the CLI, which acts as the operator).
  actor text,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX admin_events_commit_order ON admin_events (transaction_id, global_position);

-- Logs are facts: the application may only append. Retention is an explicit operator action
-- (ALTER TABLE ... DISABLE TRIGGER, as the table owner), never something the service does.
CREATE FUNCTION refuse_log_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is an append-only log: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER outcome_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON outcome_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite();
CREATE TRIGGER admin_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON admin_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite();

-- Read model of the key events, for authenticating requests. Holds only a SHA-256 of each secret.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  platform text,
  name text,
  scopes text[] NOT NULL,
  secret_hash bytea NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);

CREATE INDEX api_keys_platform ON api_keys (platform);
