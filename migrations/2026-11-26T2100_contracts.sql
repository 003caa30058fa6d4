-- SLA contracts, maintenance windows and statements: read models of their admin events.

-- One row per contract version. A version is in force from in_force_from; a period is
-- evaluated with the version in force at its end (concepts §6).
CREATE TABLE contracts (
  id text NOT NULL,
  version integer NOT NULL,
  platform text NOT NULL,
  provider text NOT NULL,
  terms jsonb NOT NULL,
  in_force_from timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE INDEX contracts_by_platform ON contracts (platform, provider);

CREATE TABLE maintenance_windows (
  id text PRIMARY KEY,
  provider text NOT NULL,
  models text[] NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  reason text NOT NULL,
  declared_at timestamptz NOT NULL
);

CREATE INDEX maintenance_windows_by_provider ON maintenance_windows (provider, end_at);

-- Issued statements never change; re-issuing adds a version.
CREATE TABLE statements (
  contract_id text NOT NULL,
  period text NOT NULL,
  version integer NOT NULL,
  issued_at timestamptz NOT NULL,
  report jsonb NOT NULL,
  events_counted bigint NOT NULL,
  PRIMARY KEY (contract_id, period, version)
);

CREATE TRIGGER statements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON statements
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite();

-- A contract's minutes: its platform's traffic to its provider, over a month.
CREATE INDEX minute_rollups_by_platform ON minute_rollups (platform, provider, minute);
