-- Provider status pages (concepts §12): the incidents a provider published, imported from its
-- Statuspage incidents.json (uploaded or polled). Each import that changes an incident appends
-- a version; the versions are a log the service only appends to.
CREATE TABLE provider_incident_versions (
  provider text NOT NULL,
  incident_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  name text NOT NULL,
  status text NOT NULL,
  impact text NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical', 'maintenance')),
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  components text[] NOT NULL,
  -- [{status, body, createdAt}], oldest first.
  updates jsonb NOT NULL,
  -- 'upload' (POST /v1/provider-incidents, the CLI) or 'poller' (PROVIDER_STATUS_FEEDS).
  source text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, incident_id, version)
);

CREATE INDEX provider_incident_versions_by_creation ON provider_incident_versions (provider, created_at);

CREATE TRIGGER provider_incident_versions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON provider_incident_versions
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite();

-- Which models each status-page component covers (setStatusComponents; each change is also an
-- admin event). A provider without rows: every component covers every model.
CREATE TABLE status_components (
  provider text NOT NULL,
  component text NOT NULL,
  models text[] NOT NULL,
  PRIMARY KEY (provider, component)
);

-- The poller's state per configured feed: what the last answer was (its ETag, for a conditional
-- request), when the next poll is due (later after failures), and the last failure in words.
CREATE TABLE provider_status_feeds (
  provider text PRIMARY KEY,
  url text NOT NULL,
  etag text,
  next_poll_at timestamptz NOT NULL DEFAULT now(),
  last_polled_at timestamptz,
  last_success_at timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error text
);
