-- Claims (concepts §10): the read model of the claim admin events, one row per claim, its
-- history (every transition with its instant, actor and note) as a jsonb array.
CREATE TABLE claims (
  id text PRIMARY KEY,
  contract_id text NOT NULL,
  platform text NOT NULL,
  provider text NOT NULL,
  period text NOT NULL,
  status text NOT NULL,
  statement_version integer NOT NULL,
  claimed_amount numeric NOT NULL,
  currency text NOT NULL,
  credited_amount numeric,
  claim_deadline timestamptz NOT NULL,
  filed_at timestamptz,
  reference text,
  resolved_at timestamptz,
  evidence_events bigint NOT NULL,
  evidence_digest text NOT NULL,
  -- Per evidence run: [{ start, end, events, digest }], to tell which run a changed log differs in.
  evidence_runs jsonb NOT NULL,
  history jsonb NOT NULL,
  opened_at timestamptz NOT NULL
);

CREATE INDEX claims_by_contract ON claims (contract_id, period);
-- Drafts the scheduler expires, and the open claims the page lists by deadline.
CREATE INDEX claims_open_by_deadline ON claims (claim_deadline) WHERE status IN ('DRAFT', 'FILED');
