-- Incidents as a read model of the timeline projection (concepts §5, docs/architecture.md
-- § The timeline's read models): one provider's outages of its models' all-platform series
-- (outages.platform = '') that overlap or lie within the provider's merge gap, grouped.
--
-- Stored is what does not depend on the clock: span, worst severity, models, how many outages.
-- Whether an incident is ongoing depends on now and is worked out when it is read, from its
-- member outages. The timeline projection regroups a provider's incidents in the transaction
-- that derives its outages again (a batch, a policy change, a rebuild).
--
-- One provider's incidents never overlap (each one ends more than the merge gap before the next
-- begins), so the key also orders them by end: "incidents overlapping [from, to)" are those
-- starting in [from, to) and the last one starting at or before `from`, found on the key alone.
CREATE TABLE incidents (
  provider text NOT NULL,
  start_minute timestamptz NOT NULL,
  end_minute timestamptz NOT NULL,
  severity text NOT NULL,
  -- Sorted by code point (as JavaScript's sort()).
  models text[] NOT NULL,
  outage_count integer NOT NULL,
  PRIMARY KEY (provider, start_minute)
);

-- The incidents of the outages stored so far, grouped as libs/domain/src/incidents.ts does:
-- outages in (start, end, model) order; one starts a new incident when it begins more than the
-- merge gap after every earlier one has ended. The merge gap is the provider's override, else the
-- default policy's 2 minutes (DEFAULT_DETECTION_POLICY when this migration was written).
WITH ordered AS (
  SELECT o.provider, o.model, o.start_minute, o.end_minute, o.severity,
         coalesce(p.merge_gap_minutes, 2) AS gap,
         max(o.end_minute) OVER (PARTITION BY o.provider ORDER BY o.start_minute, o.end_minute, o.model COLLATE "C"
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS ended_before
  FROM outages o
  LEFT JOIN detection_policies p ON p.provider = o.provider AND p.model = ''
  WHERE o.platform = ''
), numbered AS (
  SELECT *, count(*) FILTER (WHERE ended_before IS NULL OR start_minute - ended_before > gap * interval '1 minute')
              OVER (PARTITION BY provider ORDER BY start_minute, end_minute, model COLLATE "C"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS incident_no
  FROM ordered
)
INSERT INTO incidents (provider, start_minute, end_minute, severity, models, outage_count)
SELECT provider, min(start_minute), max(end_minute),
       (ARRAY['degraded', 'partial_outage', 'major_outage'])[max(array_position(ARRAY['degraded', 'partial_outage', 'major_outage'], severity))],
       array_agg(DISTINCT model COLLATE "C" ORDER BY model COLLATE "C"), count(*)
FROM numbered
GROUP BY provider, incident_no;
