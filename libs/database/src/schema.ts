import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { Outcome } from '@ledger/domain';

/** Column types: int8 and xid8 arrive as `bigint`, timestamptz as `Date` (see type-parsers.ts). */
export interface OutcomeEventTable {
  global_position: Generated<bigint>;
  transaction_id: Generated<bigint>;
  platform: string;
  event_id: string;
  provider: string;
  model: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  /** The UTC day of occurred_at (`YYYY-MM-DD`): the partition key. */
  occurred_on: ColumnType<string, string, never>;
  outcome: Outcome;
  http_status: number | null;
  error_code: string | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  recorded_at: Generated<Date>;
}
export type OutcomeEventRow = Selectable<OutcomeEventTable>;

/** A day of the outcome log archived to files and dropped (see the archive in libs/event-store). */
export interface OutcomeArchiveTable {
  /** `YYYY-MM-DD`. */
  day: string;
  events: bigint;
  sha256: string;
  first_position: string | null;
  last_position: string | null;
  archived_at: Generated<Date>;
}
export type NewOutcomeEventRow = Insertable<OutcomeEventTable>;

export interface AdminEventTable {
  global_position: GeneratedAlways<bigint>;
  transaction_id: Generated<bigint>;
  type: string;
  data: ColumnType<unknown, string, never>;
  actor: string | null;
  recorded_at: Generated<Date>;
}
export type AdminEventRow = Selectable<AdminEventTable>;

export interface ApiKeyTable {
  id: string;
  platform: string | null;
  name: string | null;
  scopes: string[];
  secret_hash: Buffer;
  created_at: ColumnType<Date, Date | string, never>;
  revoked_at: Date | null;
}
export type ApiKeyRow = Selectable<ApiKeyTable>;

export interface ProjectionCheckpointTable {
  name: string;
  transaction_id: ColumnType<bigint, bigint | string, bigint | string>;
  global_position: ColumnType<bigint, bigint | string, bigint | string>;
  events_folded: ColumnType<bigint, bigint | string, bigint | string>;
  /** 1, plus one for each rebuild swapped in (see the projection runner). */
  generation: ColumnType<bigint, bigint | string | undefined, bigint | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type ProjectionCheckpointRow = Selectable<ProjectionCheckpointTable>;

export interface MinuteRollupTable {
  provider: string;
  model: string;
  platform: string;
  minute: ColumnType<Date, Date | string, Date | string>;
  successes: number;
  errors: number;
  timeouts: number;
  rate_limited: number;
  client_errors: number;
  /** Big-endian int4 pairs (bucket, count), by bucket: LatencySketch.toBytes. */
  latency_sketch: Buffer;
  ttft_sketch: Buffer;
  /** Its errors by HTTP status: {"529": 4210, "none": 3} (ErrorStatusCounts); NULL when it has none. */
  error_statuses: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
}
export type MinuteRollupRow = Selectable<MinuteRollupTable>;

/** Sums of a series' minute rollups per UTC hour (hour-rollup.repository.ts). */
export interface HourRollupTable {
  platform: string;
  provider: string;
  hour: ColumnType<Date, Date | string, Date | string>;
  model: string;
  successes: ColumnType<bigint, number | bigint, number | bigint>;
  errors: ColumnType<bigint, number | bigint, number | bigint>;
  timeouts: ColumnType<bigint, number | bigint, number | bigint>;
  rate_limited: ColumnType<bigint, number | bigint, number | bigint>;
  client_errors: ColumnType<bigint, number | bigint, number | bigint>;
  /** The sum of its minutes' error_statuses, key by key; NULL when it has no errors. */
  error_statuses: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
  /** The highest ceil(10⁹ × failures / eligible) of its rows, counting every error and timeout as a failure; … */
  peak_failure_ppb: ColumnType<bigint, number | bigint, number | bigint>;
  /** … and every rate-limited request too. */
  peak_failure_rl_ppb: ColumnType<bigint, number | bigint, number | bigint>;
}

export interface OutageTable {
  provider: string;
  model: string;
  /** '' for the model's series over all platforms. */
  platform: string;
  start_minute: ColumnType<Date, Date | string, Date | string>;
  end_minute: ColumnType<Date, Date | string, Date | string>;
  severity: string;
  peak_failures: number;
  peak_eligible: number;
  eligible_requests: ColumnType<bigint, number | bigint, number | bigint>;
  failed_requests: ColumnType<bigint, number | bigint, number | bigint>;
  platforms_affected: number;
}
export type OutageRow = Selectable<OutageTable>;

/** A provider's outages (of its models' all-platform series) grouped (concepts §5); ongoing is decided when read. */
export interface IncidentTable {
  provider: string;
  start_minute: ColumnType<Date, Date | string, Date | string>;
  end_minute: ColumnType<Date, Date | string, Date | string>;
  severity: string;
  /** Sorted by code point. */
  models: string[];
  outage_count: number;
}
export type IncidentRow = Selectable<IncidentTable>;

export interface DetectionPolicyTable {
  provider: string;
  /** '' for the provider-wide override. */
  model: string;
  min_samples: number;
  degraded_at: ColumnType<string, string, string>;
  partial_at: ColumnType<string, string, string>;
  major_at: ColumnType<string, string, string>;
  merge_gap_minutes: number;
  live_window_minutes: number;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}
export type DetectionPolicyRow = Selectable<DetectionPolicyTable>;

export interface ContractTable {
  id: string;
  version: number;
  platform: string;
  provider: string;
  terms: ColumnType<unknown, string, never>;
  in_force_from: ColumnType<Date, Date | string, never>;
  recorded_at: ColumnType<Date, Date | string, never>;
}
export type ContractRow = Selectable<ContractTable>;

export interface MaintenanceWindowTable {
  id: string;
  provider: string;
  models: string[];
  start_at: ColumnType<Date, Date | string, never>;
  end_at: ColumnType<Date, Date | string, never>;
  reason: string;
  declared_at: ColumnType<Date, Date | string, never>;
}
export type MaintenanceWindowRow = Selectable<MaintenanceWindowTable>;

export interface StatementTable {
  contract_id: string;
  period: string;
  version: number;
  issued_at: ColumnType<Date, Date | string, never>;
  report: ColumnType<unknown, string, never>;
  events_counted: ColumnType<bigint, number | bigint, never>;
}
export type StatementRow = Selectable<StatementTable>;

/** Claims (concepts §10): one row per claim, the read model of its admin events. */
export interface ClaimTable {
  id: string;
  contract_id: string;
  platform: string;
  provider: string;
  period: string;
  status: string;
  statement_version: number;
  /** numeric: read as a decimal string. */
  claimed_amount: ColumnType<string, string, string>;
  currency: string;
  credited_amount: ColumnType<string | null, string | null, string | null>;
  claim_deadline: ColumnType<Date, Date | string, Date | string>;
  filed_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  reference: string | null;
  resolved_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  evidence_events: ColumnType<bigint, number | bigint, number | bigint>;
  evidence_digest: string;
  /** [{ start, end (RFC 3339), events, digest }, …] */
  evidence_runs: ColumnType<unknown, string, string>;
  /** [{ status, at (RFC 3339), actor, note }, …] */
  history: ColumnType<unknown, string, string>;
  opened_at: ColumnType<Date, Date | string, Date | string>;
}
export type ClaimRow = Selectable<ClaimTable>;

/** Pre-merged hours, days and ten-day blocks of the minute rollups (the vendor comparison's cache). */
export interface VendorSummaryTable {
  /** '' for all platforms. */
  platform: string;
  span_minutes: number;
  start_minute: ColumnType<Date, Date | string, Date | string>;
  provider: string;
  /** '' for all of the provider's models. */
  model: string;
  successes: ColumnType<bigint, number | bigint, number | bigint>;
  errors: ColumnType<bigint, number | bigint, number | bigint>;
  timeouts: ColumnType<bigint, number | bigint, number | bigint>;
  rate_limited: ColumnType<bigint, number | bigint, number | bigint>;
  client_errors: ColumnType<bigint, number | bigint, number | bigint>;
  /** Big-endian int4 pairs (bucket, count), by bucket, as in minute_rollups. */
  latency_sketch: Buffer;
  ttft_sketch: Buffer;
  /** int4 triples (failures, eligible, minutes) for the minutes with eligible requests. */
  minute_mix: Buffer;
}

export type VendorSummaryRow = Selectable<VendorSummaryTable>;

/** One row: the end of the UTC days that have day (and block) rows in vendor_summaries. */
export interface VendorSummaryStateTable {
  singleton: Generated<boolean>;
  summarized_days_end: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** Provider-hours whose minute rollups a timeline batch changed, until its followers fold them. */
export interface RollupChangeTable {
  transaction_id: ColumnType<bigint, bigint | string, bigint | string>;
  global_position: ColumnType<bigint, bigint | string, bigint | string>;
  provider: string;
  hour: ColumnType<Date, Date | string, Date | string>;
}

/** The log position of the timeline batch that last changed a platform's and provider's minute rollups of a UTC day. */
export interface RollupDayChangeTable {
  platform: string;
  provider: string;
  day: ColumnType<Date, Date | string, Date | string>;
  transaction_id: ColumnType<bigint, bigint | string, bigint | string>;
  global_position: ColumnType<bigint, bigint | string, bigint | string>;
}

/** Alert rules (concepts §10): the read model of the alert-rule admin events. */
export interface AlertRuleTable {
  id: string;
  name: string;
  kind: string;
  provider: string | null;
  model: string | null;
  platform: string | null;
  contract_id: string | null;
  min_severity: string;
  for_minutes: number;
  webhook_url: string;
  format: string;
  enabled: boolean;
  /** AES-256-GCM under ALERT_SECRETS_KEY (libs/alerts/src/secret-box.ts). */
  secret_sealed: string;
  version: number;
  created_at: ColumnType<Date, Date | string, Date | string>;
  updated_at: ColumnType<Date, Date | string, Date | string>;
  deleted_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}
export type AlertRuleRow = Selectable<AlertRuleTable>;

/** Alert episodes, kept by the alerts projection; minutes are epoch minutes. */
export interface AlertTable {
  id: string;
  rule_id: string;
  /** The model, for a MODEL_STATUS rule over each of its provider's models; '' otherwise. */
  subject: string;
  severity: string;
  started_minute: number;
  fired_decided: number;
  escalated_decided: number | null;
  resolved_minute: number | null;
  resolved_decided: number | null;
}
export type AlertRow = Selectable<AlertTable>;

export interface AlertRuleProgressTable {
  rule_id: string;
  /** What the evaluation depended on (alert-evaluation.ts); a different basis derives the rule again. */
  basis: string;
  evaluated_through: number;
}

/** A rule's evaluation state after the minutes where it changed. */
export interface AlertRuleStateTable {
  rule_id: string;
  subject: string;
  minute: number;
  state: ColumnType<unknown, string, string>;
}

export interface AlertHorizonTable {
  only_row: Generated<boolean>;
  minute: number;
}

/** Per timeline batch and provider, the span of minutes whose rollups it changed, until the alerts fold it. */
export interface AlertRollupChangeTable {
  transaction_id: ColumnType<bigint, bigint | string, bigint | string>;
  global_position: ColumnType<bigint, bigint | string, bigint | string>;
  provider: string;
  first_minute: number;
  last_minute: number;
}

/** The webhook outbox: one delivery per alert transition. */
export interface AlertDeliveryTable {
  id: string;
  alert_id: string;
  rule_id: string;
  transition: string;
  body: ColumnType<unknown, string, string>;
  state: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
  next_attempt_at: ColumnType<Date, Date | string, Date | string>;
  leased_until: ColumnType<Date | null, Date | string | null, Date | string | null>;
  attempts: Generated<number>;
  first_attempt_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}
export type AlertDeliveryRow = Selectable<AlertDeliveryTable>;

export interface AlertDeliveryAttemptTable {
  delivery_id: string;
  attempt: number;
  at: ColumnType<Date, Date | string, Date | string>;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  sent_by: string;
}
export type AlertDeliveryAttemptRow = Selectable<AlertDeliveryAttemptTable>;

/** Platform actions (concepts §11): an append-only log, idempotent by (platform, action_id). */
export interface PlatformActionTable {
  platform: string;
  action_id: string;
  provider: string;
  model: string | null;
  action: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  target: string | null;
  reason: string | null;
  recorded_at: ColumnType<Date, Date | string | undefined, never>;
}
export type PlatformActionRow = Selectable<PlatformActionTable>;

/** A provider's status-page incidents, one row per version (migration 2026-12-02T1800). */
export interface ProviderIncidentVersionTable {
  provider: string;
  incident_id: string;
  version: number;
  name: string;
  status: string;
  impact: string;
  created_at: ColumnType<Date, Date | string, never>;
  resolved_at: ColumnType<Date | null, Date | string | null, never>;
  components: string[];
  /** [{status, body, createdAt}] (createdAt as ISO text). */
  updates: ColumnType<{ status: string; body: string; createdAt: string }[], string, never>;
  source: string;
  recorded_at: ColumnType<Date, Date | string | undefined, never>;
}
export type ProviderIncidentVersionRow = Selectable<ProviderIncidentVersionTable>;

export interface StatusComponentTable {
  provider: string;
  component: string;
  models: string[];
}

export interface ProviderStatusFeedTable {
  provider: string;
  url: string;
  etag: string | null;
  next_poll_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_polled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_success_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  consecutive_failures: Generated<number>;
  last_error: string | null;
}
export type ProviderStatusFeedRow = Selectable<ProviderStatusFeedTable>;

/** A key's own provider names for OTLP spans (migration 2026-12-02T2000). */
export interface OtlpProviderAliasTable {
  key_id: string;
  source: string;
  provider: string;
}

/** Per-key token buckets shared by every API process (libs/auth's rate limiter). */
export interface RateLimitBucketTable {
  key_id: string;
  kind: string;
  tokens: number;
  refreshed_at: ColumnType<Date, Date | string, Date | string>;
}

export interface DB {
  contracts: ContractTable;
  maintenance_windows: MaintenanceWindowTable;
  statements: StatementTable;
  claims: ClaimTable;
  outcome_events: OutcomeEventTable;
  outcome_archives: OutcomeArchiveTable;
  admin_events: AdminEventTable;
  api_keys: ApiKeyTable;
  projection_checkpoints: ProjectionCheckpointTable;
  minute_rollups: MinuteRollupTable;
  hour_rollups: HourRollupTable;
  outages: OutageTable;
  incidents: IncidentTable;
  rollup_changes: RollupChangeTable;
  rollup_day_changes: RollupDayChangeTable;
  detection_policies: DetectionPolicyTable;
  vendor_summaries: VendorSummaryTable;
  vendor_summary_state: VendorSummaryStateTable;
  rate_limit_buckets: RateLimitBucketTable;
  alert_rules: AlertRuleTable;
  alerts: AlertTable;
  alert_rule_progress: AlertRuleProgressTable;
  alert_rule_states: AlertRuleStateTable;
  alert_horizon: AlertHorizonTable;
  alert_rollup_changes: AlertRollupChangeTable;
  alert_deliveries: AlertDeliveryTable;
  alert_delivery_attempts: AlertDeliveryAttemptTable;
  platform_actions: PlatformActionTable;
  provider_incident_versions: ProviderIncidentVersionTable;
  status_components: StatusComponentTable;
  provider_status_feeds: ProviderStatusFeedTable;
  otlp_provider_aliases: OtlpProviderAliasTable;
}

/** Every table of `DB` by name, for checks against the database's catalog (a test compares them). */
export const DB_TABLES = [
  'contracts', 'maintenance_windows', 'statements', 'claims', 'outcome_events', 'outcome_archives', 'admin_events', 'api_keys', 'projection_checkpoints',
  'minute_rollups', 'hour_rollups', 'outages', 'incidents', 'rollup_changes', 'rollup_day_changes', 'detection_policies', 'vendor_summaries', 'vendor_summary_state', 'rate_limit_buckets',
  'alert_rules', 'alerts', 'alert_rule_progress', 'alert_rule_states', 'alert_horizon', 'alert_rollup_changes', 'alert_deliveries', 'alert_delivery_attempts',
  'platform_actions', 'provider_incident_versions', 'status_components', 'provider_status_feeds', 'otlp_provider_aliases',
] as const satisfies readonly (keyof DB)[];
// A table added to DB but not to DB_TABLES fails to compile here.
const everyTableListed: Record<Exclude<keyof DB, (typeof DB_TABLES)[number]>, never> = {};
void everyTableListed;
