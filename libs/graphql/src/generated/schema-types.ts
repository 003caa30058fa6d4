import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { LiveSlaReport, EvidenceRunWithBreakdown } from '@ledger/reporting';
import type { ClaimListing as ClaimModel } from '@ledger/domain';
import type { AlertView, AlertRule as AlertRuleModel, CreatedAlertRule as CreatedAlertRuleModel, DeliveryView } from '@ledger/alerts';
import type { GraphqlContext } from '@ledger/graphql';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: Date; output: Date | string; }
  /** An exact decimal number, as a string */
  Decimal: { input: string; output: string; }
};

/** A platform's own actions about a provider over a window (concepts §11). */
export type ActionReport = {
  __typename?: 'ActionReport';
  /** the lower median of timeToActionMinutes over the outages acted on */
  medianTimeToActionMinutes?: Maybe<Scalars['Float']['output']>;
  /** outages (models over all platforms) that started in the window */
  outages: Scalars['Int']['output'];
  outagesWithoutAction: Scalars['Int']['output'];
  perOutage: Array<OutageAction>;
  /** minutes in which at least one of the provider's models was routed away */
  routedAwayMinutes: Scalars['Int']['output'];
  /** those in which every routed-away model was healthy over all platforms */
  routedAwayWhileHealthyMinutes: Scalars['Int']['output'];
};

/** One episode of one rule: FIRING, then RESOLVED. A BURN_RATE TICKET may become a PAGE within it. */
export type Alert = {
  __typename?: 'Alert';
  deliveries: Array<AlertDelivery>;
  id: Scalars['ID']['output'];
  /** MODEL_STATUS: the model */
  model?: Maybe<Scalars['String']['output']>;
  /** the first minute after it that no longer held it */
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  rule: AlertRule;
  severity: AlertSeverity;
  /** the first minute of the run that fired it */
  startedAt: Scalars['DateTime']['output'];
  state: AlertState;
  summary: Scalars['String']['output'];
};

/** The delivery of one transition of an alert: the same id (X-Ledger-Delivery) on every attempt. */
export type AlertDelivery = {
  __typename?: 'AlertDelivery';
  /** the last attempt's time; before any, when it was written */
  at: Scalars['DateTime']['output'];
  /** attempts made so far */
  attempt: Scalars['Int']['output'];
  attempts: Array<DeliveryAttempt>;
  error?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** when the next attempt is due (PENDING) */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  state: DeliveryState;
  statusCode?: Maybe<Scalars['Int']['output']>;
  transition: DeliveryTransition;
};

export type AlertKind =
  | 'BURN_RATE'
  | 'MODEL_STATUS';

export type AlertRule = {
  __typename?: 'AlertRule';
  contractId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  enabled: Scalars['Boolean']['output'];
  forMinutes: Scalars['Int']['output'];
  format: WebhookFormat;
  id: Scalars['ID']['output'];
  kind: AlertKind;
  minSeverity: Scalars['String']['output'];
  model?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  platform?: Maybe<Scalars['String']['output']>;
  provider?: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  webhookUrl: Scalars['String']['output'];
};

export type AlertRuleInput = {
  /** BURN_RATE: the contract whose error budget burns */
  contractId?: InputMaybe<Scalars['ID']['input']>;
  /** default true; a disabled rule is not evaluated and has no alerts */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** MODEL_STATUS: minutes in a row to fire and to resolve (default 3) */
  forMinutes?: InputMaybe<Scalars['Int']['input']>;
  format?: InputMaybe<WebhookFormat>;
  kind: AlertKind;
  /** MODEL_STATUS: DEGRADED, PARTIAL_OUTAGE (default) or MAJOR_OUTAGE; BURN_RATE: TICKET (default: every condition) or PAGE (the fast ones only) */
  minSeverity?: InputMaybe<Scalars['String']['input']>;
  /** MODEL_STATUS: one model; omitted, each of the provider's models (one alert per model) */
  model?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  /** MODEL_STATUS: one platform's traffic; omitted, every platform's */
  platform?: InputMaybe<Scalars['String']['input']>;
  /** MODEL_STATUS: the provider watched */
  provider?: InputMaybe<Scalars['String']['input']>;
  /** where the signed webhooks go (http or https; not a private or metadata address unless the operator allows private ones) */
  webhookUrl: Scalars['String']['input'];
};

/** How urgent: PAGE wakes someone, TICKET is for working hours. MODEL_STATUS alerts are PAGEs. */
export type AlertSeverity =
  | 'PAGE'
  | 'TICKET';

export type AlertState =
  | 'FIRING'
  | 'RESOLVED';

export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  name?: Maybe<Scalars['String']['output']>;
  /** null for staff keys, which belong to no platform */
  platform?: Maybe<Scalars['String']['output']>;
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  scopes: Array<Scope>;
};

/** A claim for the credit of one contract and one ended month, pinned to the statement it was opened from. */
export type Claim = {
  __typename?: 'Claim';
  /** filing at or after it is refused; a draft expires at it */
  claimDeadline: Scalars['DateTime']['output'];
  /** the statement's credit when the claim was opened */
  claimedAmount: Money;
  contract: Contract;
  /** set when resolved: the claimed amount (ACCEPTED), less (PARTIALLY_ACCEPTED) or 0 (DENIED) */
  creditedAmount?: Maybe<Money>;
  /** lower-case hex SHA-256 of those events (docs/concepts.md § Claims: how to recompute it) */
  evidenceDigest: Scalars['String']['output'];
  /** the contract's events in the evidence runs' minutes when the claim was opened */
  evidenceEvents: Scalars['Int']['output'];
  filedAt?: Maybe<Scalars['DateTime']['output']>;
  history: Array<ClaimTransition>;
  id: Scalars['ID']['output'];
  /** the month, YYYY-MM */
  period: Scalars['String']['output'];
  /** the provider's ticket or case number */
  reference?: Maybe<Scalars['String']['output']>;
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  statementVersion: Scalars['Int']['output'];
  status: ClaimStatus;
};

export type ClaimOutcome =
  | 'ACCEPTED'
  | 'DENIED'
  | 'PARTIALLY_ACCEPTED';

/** DRAFT → FILED → ACCEPTED | PARTIALLY_ACCEPTED | DENIED; DRAFT or FILED → WITHDRAWN; a DRAFT past its deadline is EXPIRED */
export type ClaimStatus =
  | 'ACCEPTED'
  | 'DENIED'
  | 'DRAFT'
  | 'EXPIRED'
  | 'FILED'
  | 'PARTIALLY_ACCEPTED'
  | 'WITHDRAWN';

/** Claims of one provider in one currency. */
export type ClaimTotals = {
  __typename?: 'ClaimTotals';
  /** claimed amounts of the claims filed (FILED or resolved) */
  claimed: Scalars['Decimal']['output'];
  /** credited amounts of the resolved claims */
  credited: Scalars['Decimal']['output'];
  currency: Scalars['String']['output'];
  /** claimed amounts of the FILED claims, not answered yet */
  outstanding: Scalars['Decimal']['output'];
  provider: Scalars['String']['output'];
  /** credited ÷ claimed over the resolved claims, 4 decimals; null before any is resolved */
  recoveryRate?: Maybe<Scalars['Decimal']['output']>;
};

/** One step of a claim's history. */
export type ClaimTransition = {
  __typename?: 'ClaimTransition';
  /** the id of the key that took the step; null for the scheduler */
  actor?: Maybe<Scalars['String']['output']>;
  at: Scalars['DateTime']['output'];
  note?: Maybe<Scalars['String']['output']>;
  status: ClaimStatus;
};

/** Which models a status-page component covers. */
export type ComponentMapping = {
  __typename?: 'ComponentMapping';
  component: Scalars['String']['output'];
  models: Array<Scalars['String']['output']>;
  provider: Scalars['String']['output'];
};

export type ComponentMappingInput = {
  /** the component's name as the status page writes it */
  component: Scalars['String']['input'];
  /** the models it covers (an empty list: none) */
  models: Array<Scalars['String']['input']>;
};

/** An SLA between a platform and a provider, at its latest version. */
export type Contract = {
  __typename?: 'Contract';
  claimWindowDays: Scalars['Int']['output'];
  countRateLimited: Scalars['Boolean']['output'];
  countTimeouts: Scalars['Boolean']['output'];
  creditTiers: Array<CreditTier>;
  effectiveFrom: Scalars['DateTime']['output'];
  effectiveTo?: Maybe<Scalars['DateTime']['output']>;
  /** null: every error counts */
  errorStatuses?: Maybe<Array<Scalars['String']['output']>>;
  id: Scalars['ID']['output'];
  /** when this version took effect */
  inForceFrom: Scalars['DateTime']['output'];
  minimumCredit?: Maybe<Money>;
  models: Array<Scalars['String']['output']>;
  monthlyFee: Money;
  platform: Scalars['String']['output'];
  policy: Policy;
  provider: Scalars['String']['output'];
  targetPercent: Scalars['Decimal']['output'];
  timeZone: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

export type ContractInput = {
  /** default 30 */
  claimWindowDays?: InputMaybe<Scalars['Int']['input']>;
  /** count rate_limited as failures; default false */
  countRateLimited?: InputMaybe<Scalars['Boolean']['input']>;
  /** count timeouts as failures; default true (when false, timeouts are not eligible at all) */
  countTimeouts?: InputMaybe<Scalars['Boolean']['input']>;
  creditTiers?: InputMaybe<Array<CreditTierInput>>;
  effectiveFrom: Scalars['DateTime']['input'];
  effectiveTo?: InputMaybe<Scalars['DateTime']['input']>;
  /** count an error as a failure only when its HTTP status matches one entry: a status such as 529 or a class such as 5xx; omitted: every error counts */
  errorStatuses?: InputMaybe<Array<Scalars['String']['input']>>;
  /** a credit below this (after rounding, in the fee's currency) is no credit; omitted: none */
  minimumCredit?: InputMaybe<MoneyInput>;
  /** empty or omitted: every model of the provider */
  models?: InputMaybe<Array<Scalars['String']['input']>>;
  monthlyFee: MoneyInput;
  platform: Scalars['String']['input'];
  policy: PolicyInput;
  provider: Scalars['String']['input'];
  targetPercent: Scalars['Decimal']['input'];
  /** IANA time zone of the calendar months; default UTC */
  timeZone?: InputMaybe<Scalars['String']['input']>;
};

/** A rule just created, with the secret its webhooks are signed with: shown this once, never again. */
export type CreatedAlertRule = {
  __typename?: 'CreatedAlertRule';
  rule: AlertRule;
  secret: Scalars['String']['output'];
};

export type CreatedApiKey = {
  __typename?: 'CreatedApiKey';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  name?: Maybe<Scalars['String']['output']>;
  platform?: Maybe<Scalars['String']['output']>;
  scopes: Array<Scope>;
  /** The bearer token. Shown once: only a hash is stored. */
  secret: Scalars['String']['output'];
};

/** One contract's credit for a month. */
export type CreditLine = {
  __typename?: 'CreditLine';
  claimDeadline: Scalars['DateTime']['output'];
  /** claimDeadline in the contract's time zone, with its offset */
  claimDeadlineLocal: Scalars['String']['output'];
  contract: Scalars['ID']['output'];
  creditAmount: Money;
  creditPercent: Scalars['Decimal']['output'];
  /** true once the period has ended */
  final: Scalars['Boolean']['output'];
  platform: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  uptimePercent: Scalars['Decimal']['output'];
};

export type CreditSummary = {
  __typename?: 'CreditSummary';
  lines: Array<CreditLine>;
  period: Scalars['String']['output'];
  totals: Array<Money>;
};

export type CreditTier = {
  __typename?: 'CreditTier';
  creditPercent: Scalars['Decimal']['output'];
  uptimeBelow: Scalars['Decimal']['output'];
};

export type CreditTierInput = {
  creditPercent: Scalars['Decimal']['input'];
  uptimeBelow: Scalars['Decimal']['input'];
};

/** One attempt to deliver a transition. */
export type DeliveryAttempt = {
  __typename?: 'DeliveryAttempt';
  at: Scalars['DateTime']['output'];
  attempt: Scalars['Int']['output'];
  durationMs: Scalars['Int']['output'];
  error?: Maybe<Scalars['String']['output']>;
  /** the worker process that made it (host:pid) */
  sentBy: Scalars['String']['output'];
  /** what the receiver answered; null when it did not (no connection, no answer in 10 s) */
  statusCode?: Maybe<Scalars['Int']['output']>;
};

export type DeliveryState =
  | 'DELIVERED'
  | 'FAILED'
  | 'PENDING';

export type DeliveryTransition =
  | 'ESCALATED'
  | 'FIRING'
  | 'RESOLVED';

export type DetectionPolicy = {
  __typename?: 'DetectionPolicy';
  degradedAt: Scalars['Decimal']['output'];
  liveWindowMinutes: Scalars['Int']['output'];
  majorAt: Scalars['Decimal']['output'];
  mergeGapMinutes: Scalars['Int']['output'];
  minSamples: Scalars['Int']['output'];
  /** null for the provider-wide policy */
  model?: Maybe<Scalars['String']['output']>;
  partialAt: Scalars['Decimal']['output'];
  provider: Scalars['String']['output'];
};

export type DetectionPolicyInput = {
  degradedAt?: InputMaybe<Scalars['Decimal']['input']>;
  liveWindowMinutes?: InputMaybe<Scalars['Int']['input']>;
  majorAt?: InputMaybe<Scalars['Decimal']['input']>;
  mergeGapMinutes?: InputMaybe<Scalars['Int']['input']>;
  minSamples?: InputMaybe<Scalars['Int']['input']>;
  /** omit for the provider-wide policy */
  model?: InputMaybe<Scalars['String']['input']>;
  partialAt?: InputMaybe<Scalars['Decimal']['input']>;
  provider: Scalars['String']['input'];
};

/** A run of consecutive minutes that failed the contract's threshold: the evidence for a claim. */
export type DowntimeRun = {
  __typename?: 'DowntimeRun';
  eligibleRequests: Scalars['Int']['output'];
  end: Scalars['DateTime']['output'];
  failedRequests: Scalars['Int']['output'];
  minutes: Scalars['Int']['output'];
  start: Scalars['DateTime']['output'];
  /** its failures by HTTP status and error code, the 5 largest (read from the log: only ask for it when needed) */
  statusBreakdown: Array<StatusCount>;
};

/** Outages of one provider's models that overlap or lie within the merge gap (concepts §5). */
export type Incident = {
  __typename?: 'Incident';
  durationMinutes: Scalars['Int']['output'];
  /** null while ongoing */
  end?: Maybe<Scalars['DateTime']['output']>;
  modelOutages: Array<Outage>;
  models: Array<Scalars['String']['output']>;
  ongoing: Scalars['Boolean']['output'];
  /** how many model outages it groups */
  outages: Scalars['Int']['output'];
  provider: Scalars['String']['output'];
  severity: Status;
  start: Scalars['DateTime']['output'];
};

/** An incident created in the window, held against the outages. */
export type IncidentAccuracy = {
  __typename?: 'IncidentAccuracy';
  /** its createdAt minus the start of the earliest outage it acknowledges, one decimal (negative when the provider posted first); null when it acknowledges none */
  acknowledgementDelayMinutes?: Maybe<Scalars['Float']['output']>;
  /** outages it acknowledges */
  acknowledges: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  impact: IncidentImpact;
  incidentId: Scalars['ID']['output'];
  /** whether it acknowledges an outage or a model it covers had a bad minute (degraded or worse, enough samples, over all platforms) while it was open; true for impact NONE */
  measuredImpact: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** The impact a status-page incident claims (Statuspage's impact). */
export type IncidentImpact =
  | 'CRITICAL'
  | 'MAINTENANCE'
  | 'MAJOR'
  | 'MINOR'
  | 'NONE';

/** One update the provider posted on an incident. */
export type IncidentUpdate = {
  __typename?: 'IncidentUpdate';
  body: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  status: Scalars['String']['output'];
};

export type MaintenanceInput = {
  end: Scalars['DateTime']['input'];
  /** empty or omitted: every model of the provider */
  models?: InputMaybe<Array<Scalars['String']['input']>>;
  provider: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  start: Scalars['DateTime']['input'];
};

export type MaintenanceWindow = {
  __typename?: 'MaintenanceWindow';
  end: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  models: Array<Scalars['String']['output']>;
  provider: Scalars['String']['output'];
  reason: Scalars['String']['output'];
  start: Scalars['DateTime']['output'];
};

/** One UTC minute of a series that has events. */
export type MinuteStat = {
  __typename?: 'MinuteStat';
  clientErrors: Scalars['Int']['output'];
  eligible: Scalars['Int']['output'];
  errors: Scalars['Int']['output'];
  failures: Scalars['Int']['output'];
  minute: Scalars['DateTime']['output'];
  /** within 1 % of the exact nearest-rank p95 of successful requests; null without latencies */
  p95LatencyMs?: Maybe<Scalars['Float']['output']>;
  rateLimited: Scalars['Int']['output'];
  status: Status;
  successes: Scalars['Int']['output'];
  timeouts: Scalars['Int']['output'];
};

/** Live status of a model over all platforms (concepts §4, live window). */
export type ModelStatus = {
  __typename?: 'ModelStatus';
  eligibleRequests: Scalars['Int']['output'];
  errorRate?: Maybe<Scalars['Float']['output']>;
  model: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  since: Scalars['DateTime']['output'];
  status: Status;
};

/** An amount of money in an ISO 4217 currency. */
export type Money = {
  __typename?: 'Money';
  amount: Scalars['Decimal']['output'];
  currency: Scalars['String']['output'];
};

export type MoneyInput = {
  amount: Scalars['Decimal']['input'];
  currency: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** New terms from effectiveFrom on; a period uses the terms in force at its end. */
  amendContract: Contract;
  createAlertRule: CreatedAlertRule;
  createApiKey: CreatedApiKey;
  declareMaintenance: MaintenanceWindow;
  defineContract: Contract;
  /** an alert of it still firing is withdrawn: receivers get a RESOLVED marked withdrawn */
  deleteAlertRule: Scalars['Boolean']['output'];
  endContract: Contract;
  /** DRAFT → FILED, before the claim deadline */
  fileClaim: Claim;
  /** Freezes the report of an ended period as a new statement version. */
  issueStatement: Statement;
  /** opens a DRAFT from the period's latest statement, which must show a credit */
  openClaim: Claim;
  /** FILED → the provider's answer, with the amount it credited */
  resolveClaim: Claim;
  /** Revokes a key at once; false when it is unknown or already revoked. */
  revokeApiKey: Scalars['Boolean']['output'];
  /** Overrides detection thresholds for a provider or a model; the outages it affects are derived again (admin). */
  setDetectionPolicy: DetectionPolicy;
  /** Replaces a key's OTLP provider aliases (at most 100); an empty list removes them. */
  setOtlpProviderAliases: Array<OtlpProviderAlias>;
  /** replaces a provider's component mapping (admin); an empty list restores the default */
  setStatusComponents: Array<ComponentMapping>;
  /** new settings; the secret stays. A change of what it watches derives its alerts again */
  updateAlertRule: AlertRule;
  /** DRAFT or FILED → WITHDRAWN */
  withdrawClaim: Claim;
};


export type MutationAmendContractArgs = {
  effectiveFrom: Scalars['DateTime']['input'];
  id: Scalars['ID']['input'];
  input: ContractInput;
};


export type MutationCreateAlertRuleArgs = {
  input: AlertRuleInput;
};


export type MutationCreateApiKeyArgs = {
  name?: InputMaybe<Scalars['String']['input']>;
  platform?: InputMaybe<Scalars['String']['input']>;
  scopes: Array<Scope>;
};


export type MutationDeclareMaintenanceArgs = {
  input: MaintenanceInput;
};


export type MutationDefineContractArgs = {
  input: ContractInput;
};


export type MutationDeleteAlertRuleArgs = {
  id: Scalars['ID']['input'];
};


export type MutationEndContractArgs = {
  effectiveTo: Scalars['DateTime']['input'];
  id: Scalars['ID']['input'];
};


export type MutationFileClaimArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  reference?: InputMaybe<Scalars['String']['input']>;
};


export type MutationIssueStatementArgs = {
  contractId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
};


export type MutationOpenClaimArgs = {
  contractId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
};


export type MutationResolveClaimArgs = {
  creditedAmount: Scalars['Decimal']['input'];
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  outcome: ClaimOutcome;
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetDetectionPolicyArgs = {
  input: DetectionPolicyInput;
};


export type MutationSetOtlpProviderAliasesArgs = {
  aliases: Array<OtlpProviderAliasInput>;
  keyId: Scalars['ID']['input'];
};


export type MutationSetStatusComponentsArgs = {
  components: Array<ComponentMappingInput>;
  provider: Scalars['String']['input'];
};


export type MutationUpdateAlertRuleArgs = {
  id: Scalars['ID']['input'];
  input: AlertRuleInput;
};


export type MutationWithdrawClaimArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};

/** A key's own name for a provider in OpenTelemetry spans (POST /v1/traces): a span whose gen_ai.provider.name (or gen_ai.system) is source is recorded as provider. */
export type OtlpProviderAlias = {
  __typename?: 'OtlpProviderAlias';
  provider: Scalars['String']['output'];
  source: Scalars['String']['output'];
};

export type OtlpProviderAliasInput = {
  provider: Scalars['String']['input'];
  source: Scalars['String']['input'];
};

/** A maximal run of bad minutes of one series (concepts §5). Times are whole UTC minutes. */
export type Outage = {
  __typename?: 'Outage';
  durationMinutes: Scalars['Int']['output'];
  eligibleRequests: Scalars['Int']['output'];
  /** null while ongoing */
  end?: Maybe<Scalars['DateTime']['output']>;
  failedRequests: Scalars['Int']['output'];
  /** end of the last bad minute so far, also while ongoing */
  lastBadMinuteEnd: Scalars['DateTime']['output'];
  model: Scalars['String']['output'];
  ongoing: Scalars['Boolean']['output'];
  peakErrorRate: Scalars['Float']['output'];
  /** null for the model's series over all platforms */
  platform?: Maybe<Scalars['String']['output']>;
  platformsAffected: Scalars['Int']['output'];
  provider: Scalars['String']['output'];
  severity: Status;
  start: Scalars['DateTime']['output'];
};

/** An outage (a model over all platforms) that started in the window, and the incidents that acknowledge it. */
export type OutageAcknowledgement = {
  __typename?: 'OutageAcknowledgement';
  /** ids of the incidents covering its model and open during [start, end + 15 min) */
  acknowledgedBy: Array<Scalars['ID']['output']>;
  /** null while it lasts */
  end?: Maybe<Scalars['DateTime']['output']>;
  model: Scalars['String']['output'];
  start: Scalars['DateTime']['output'];
};

/** One outage (a model over all platforms) that started in the window, and what the platform did about it. */
export type OutageAction = {
  __typename?: 'OutageAction';
  /** null while it lasts */
  end?: Maybe<Scalars['DateTime']['output']>;
  model: Scalars['String']['output'];
  /** minutes from the end to its first routing back after it, one decimal; null without an action or before it came back */
  restoreLagMinutes?: Maybe<Scalars['Float']['output']>;
  start: Scalars['DateTime']['output'];
  /** minutes from the start to the platform's first routing away in [start − 5 min, end], one decimal (negative when it acted first); null when it did not act */
  timeToActionMinutes?: Maybe<Scalars['Float']['output']>;
};

export type OutcomeMix = {
  __typename?: 'OutcomeMix';
  clientError: Scalars['Int']['output'];
  error: Scalars['Int']['output'];
  rateLimited: Scalars['Int']['output'];
  success: Scalars['Int']['output'];
  timeout: Scalars['Int']['output'];
};

/** One action a platform recorded (POST /v1/actions). */
export type PlatformAction = {
  __typename?: 'PlatformAction';
  action: PlatformActionKind;
  id: Scalars['ID']['output'];
  /** the model it concerns; null for the whole provider */
  model?: Maybe<Scalars['String']['output']>;
  occurredAt: Scalars['DateTime']['output'];
  platform: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  /** where traffic went instead, when the platform said */
  target?: Maybe<Scalars['String']['output']>;
};

export type PlatformActionKind =
  | 'DISABLE'
  | 'ENABLE'
  | 'FAILBACK'
  | 'FAILOVER';

export type Policy = {
  __typename?: 'Policy';
  errorRateThreshold: Scalars['Decimal']['output'];
  kind: PolicyKind;
  minConsecutiveMinutes: Scalars['Int']['output'];
  minSamples: Scalars['Int']['output'];
  windowMinutes: Scalars['Int']['output'];
};

export type PolicyInput = {
  /** DOWNTIME_MINUTES (and the evidence of every policy): a minute is down at this error rate; default 0.05 */
  errorRateThreshold?: InputMaybe<Scalars['Decimal']['input']>;
  kind: PolicyKind;
  /** DOWNTIME_MINUTES: down minutes needed in a row; default 1 */
  minConsecutiveMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** DOWNTIME_MINUTES: requests a minute needs to count as down; default 1 */
  minSamples?: InputMaybe<Scalars['Int']['input']>;
  /** AVERAGE_ERROR_RATE: window length; default 5 */
  windowMinutes?: InputMaybe<Scalars['Int']['input']>;
};

export type PolicyKind =
  | 'AVERAGE_ERROR_RATE'
  | 'DOWNTIME_MINUTES'
  | 'REQUEST_SUCCESS_RATIO';

export type ProjectionState = {
  __typename?: 'ProjectionState';
  caughtUp: Scalars['Boolean']['output'];
  eventsFolded: Scalars['Float']['output'];
  /** 1, plus one for each rebuild swapped in: figures read before a rebuild belong to an older generation */
  generation: Scalars['Int']['output'];
  /** committed events not folded yet: counted exactly up to 100,000, estimated from log positions beyond (see lagExact) */
  lagEvents: Scalars['Int']['output'];
  /** false when lagEvents is an estimate */
  lagExact: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  /** checkpoint in the log's commit order, transaction id:position */
  position: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

/** A provider's status-page incident, its latest version (POST /v1/provider-incidents or the poller). */
export type ProviderIncident = {
  __typename?: 'ProviderIncident';
  /** the status-page components it names */
  components: Array<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  impact: IncidentImpact;
  /** the id on the provider's status page */
  incidentId: Scalars['ID']['output'];
  /** the models those components cover (setStatusComponents; a component without a mapping covers every model with traffic in the window) */
  models: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  /** null while unresolved */
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  /** investigating, identified, monitoring, resolved, postmortem, … as the page says */
  status: Scalars['String']['output'];
  updates: Array<IncidentUpdate>;
  /** 1 for the first import; each import that changes the incident adds one */
  version: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** one platform's actions about one provider over [from, to), at most 100 days */
  actionReport: ActionReport;
  /** every alert rule (admin) */
  alertRules: Array<AlertRule>;
  /** alerts open at some time in [from, to), by start (admin) */
  alerts: Array<Alert>;
  /** Every key, active and revoked (admin). */
  apiKeys: Array<ApiKey>;
  claim?: Maybe<Claim>;
  /** per provider and currency */
  claimSummary: Array<ClaimTotals>;
  /** claims by deadline, the most urgent first (a platform key sees its own platform's) */
  claims: Array<Claim>;
  /** Contracts (a platform key sees its own). */
  contracts: Array<Contract>;
  /** Credits owed per contract in force during a month, with totals per currency (finance). */
  credits: CreditSummary;
  /** Incidents overlapping [from, to), whole. */
  incidents: Array<Incident>;
  /** Minutes of [from, to) that have events; summed over the provider's models unless one is named. */
  minuteSeries: Array<MinuteStat>;
  /** A key's OTLP provider aliases (admin). */
  otlpProviderAliases: Array<OtlpProviderAlias>;
  /** Outages overlapping [from, to), whole. Without platform: the model series over all platforms. */
  outages: Array<Outage>;
  /** actions in [from, to), by time (a platform key sees its own platform's) */
  platformActions: Array<PlatformAction>;
  /** Projections: checkpoint, lag behind the log, caught up or not. */
  projections: Array<ProjectionState>;
  /** incidents created in [from, to), the latest version of each, at most 400 days */
  providerIncidents: Array<ProviderIncident>;
  /** Live status per model. */
  providerStatus: Array<ModelStatus>;
  /** One contract's report for a month YYYY-MM of its term (a month outside the term is refused). */
  slaReport: SlaReport;
  /** The reports of every contract in force during the month YYYY-MM. */
  slaReports: Array<SlaReport>;
  /** Every statement version of a contract. */
  statements: Array<Statement>;
  /** a provider's component mapping (empty: every component covers every model) */
  statusComponents: Array<ComponentMapping>;
  /** a provider's status page against measurement over [from, to), at most 400 days; minSeverity leaves out lesser outages (default DEGRADED: every outage) */
  statusPageAccuracy: StatusPageAccuracy;
  /** Vendor reliability over [from, to): model rows, and provider rows with providerRows: true. */
  vendorComparison: Array<VendorScore>;
  viewer: Viewer;
};


export type QueryActionReportArgs = {
  from: Scalars['DateTime']['input'];
  platform: Scalars['String']['input'];
  provider: Scalars['String']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryAlertsArgs = {
  from: Scalars['DateTime']['input'];
  ruleId?: InputMaybe<Scalars['ID']['input']>;
  state?: InputMaybe<AlertState>;
  to: Scalars['DateTime']['input'];
};


export type QueryClaimArgs = {
  id: Scalars['ID']['input'];
};


export type QueryClaimSummaryArgs = {
  provider?: InputMaybe<Scalars['String']['input']>;
};


export type QueryClaimsArgs = {
  dueBefore?: InputMaybe<Scalars['DateTime']['input']>;
  platform?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<ClaimStatus>;
};


export type QueryContractsArgs = {
  platform?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
};


export type QueryCreditsArgs = {
  period: Scalars['String']['input'];
};


export type QueryIncidentsArgs = {
  from: Scalars['DateTime']['input'];
  provider?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['DateTime']['input'];
};


export type QueryMinuteSeriesArgs = {
  from: Scalars['DateTime']['input'];
  model?: InputMaybe<Scalars['String']['input']>;
  platform?: InputMaybe<Scalars['String']['input']>;
  provider: Scalars['String']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryOtlpProviderAliasesArgs = {
  keyId: Scalars['ID']['input'];
};


export type QueryOutagesArgs = {
  from: Scalars['DateTime']['input'];
  model?: InputMaybe<Scalars['String']['input']>;
  platform?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['DateTime']['input'];
};


export type QueryPlatformActionsArgs = {
  from: Scalars['DateTime']['input'];
  platform?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['DateTime']['input'];
};


export type QueryProviderIncidentsArgs = {
  from: Scalars['DateTime']['input'];
  provider?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['DateTime']['input'];
};


export type QueryProviderStatusArgs = {
  model?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
};


export type QuerySlaReportArgs = {
  contractId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
};


export type QuerySlaReportsArgs = {
  period: Scalars['String']['input'];
  platform?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
};


export type QueryStatementsArgs = {
  contractId: Scalars['ID']['input'];
};


export type QueryStatusComponentsArgs = {
  provider: Scalars['String']['input'];
};


export type QueryStatusPageAccuracyArgs = {
  from: Scalars['DateTime']['input'];
  minSeverity?: InputMaybe<Status>;
  provider: Scalars['String']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryVendorComparisonArgs = {
  from: Scalars['DateTime']['input'];
  models?: InputMaybe<Array<Scalars['String']['input']>>;
  platform?: InputMaybe<Scalars['String']['input']>;
  providerRows?: InputMaybe<Scalars['Boolean']['input']>;
  providers?: InputMaybe<Array<Scalars['String']['input']>>;
  to: Scalars['DateTime']['input'];
};

export type Scope =
  /** contracts, maintenance, keys, everything */
  | 'ADMIN'
  /** post outcome events for the key's own platform */
  | 'INGEST'
  /** queries: a platform key reads its own contracts and traffic plus provider-wide figures */
  | 'READ';

/** A contract's compliance for one calendar month of its term, in the contract's time zone. */
export type SlaReport = {
  __typename?: 'SlaReport';
  /** DOWNTIME_MINUTES only: the error budget in minutes, (1 − target/100) × eligible minutes */
  allowedDowntimeMinutes?: Maybe<Scalars['Decimal']['output']>;
  /** true when the terms changed during the period (the terms at its end apply to all of it) */
  amendedDuringPeriod: Scalars['Boolean']['output'];
  /** DOWNTIME_MINUTES only: a ratio, not a percentage — the share of the budget used divided by the share of the period elapsed; 1 spends the budget exactly by the period's end, above 1 runs out before it */
  budgetBurn?: Maybe<Scalars['Decimal']['output']>;
  /** DOWNTIME_MINUTES only: budget minutes left (negative once overspent) */
  budgetRemainingMinutes?: Maybe<Scalars['Decimal']['output']>;
  /** the last moment to claim the credit: local midnight claimWindowDays after the period ends, as a UTC instant */
  claimDeadline: Scalars['DateTime']['output'];
  /** claimDeadline in the contract's time zone, RFC 3339 with its offset (e.g. 2026-07-31T00:00:00.000+02:00) */
  claimDeadlineLocal: Scalars['String']['output'];
  contract: Contract;
  /** the contract version whose terms apply (those in force at the period's end) */
  contractVersion: Scalars['Int']['output'];
  /** the monthly fee × creditPercent / 100, rounded half-up to the currency's minor unit */
  creditAmount: Money;
  /** the credit tier reached, a percentage of the monthly fee (0 when none) */
  creditPercent: Scalars['Decimal']['output'];
  /** whether the live figures now differ from that statement */
  differsFromStatement?: Maybe<Scalars['Boolean']['output']>;
  /** DOWNTIME_MINUTES only: eligible minutes that were down */
  downtimeMinutes?: Maybe<Scalars['Int']['output']>;
  /** minutes of the period that count: within the contract's term and outside maintenance */
  eligibleMinutes: Scalars['Int']['output'];
  /** events that arrived after that statement */
  eventsAfterStatement?: Maybe<Scalars['Int']['output']>;
  /** the contract's events in the period */
  eventsCounted: Scalars['Int']['output'];
  evidence: Array<DowntimeRun>;
  /** minutes of the period outside the term or in declared maintenance */
  excludedMinutes: Scalars['Int']['output'];
  /** true once the period has ended */
  final: Scalars['Boolean']['output'];
  /** false when the contract had no events in the period: its figures then rest on no evidence (uptime reads 100 % by definition) */
  hasTraffic: Scalars['Boolean']['output'];
  /** whether the exact uptime is at least the target */
  met: Scalars['Boolean']['output'];
  /** the month, YYYY-MM */
  period: Scalars['String']['output'];
  /** the next month's first instant in the contract's time zone (exclusive) */
  periodEnd: Scalars['DateTime']['output'];
  /** the month's first instant in the contract's time zone */
  periodStart: Scalars['DateTime']['output'];
  /** latest statement issued for the period, if any */
  statementVersion?: Maybe<Scalars['Int']['output']>;
  /** the uptime the contract promises, a percentage */
  targetPercent: Scalars['Decimal']['output'];
  /** the policy's uptime, a percentage rounded half-up to 4 places (compared with the target unrounded) */
  uptimePercent: Scalars['Decimal']['output'];
};

/** A frozen report: issued once, never changed; re-issuing adds a version. */
export type Statement = {
  __typename?: 'Statement';
  /** the contract the statement is of */
  contractId: Scalars['ID']['output'];
  /** the frozen report's credit */
  creditAmount: Money;
  /** the frozen report's credit, a percentage of the monthly fee */
  creditPercent: Scalars['Decimal']['output'];
  /** the contract's events in the period when it was issued */
  eventsCounted: Scalars['Int']['output'];
  /** when it was issued */
  issuedAt: Scalars['DateTime']['output'];
  /** whether the frozen report met the target */
  met: Scalars['Boolean']['output'];
  /** the month, YYYY-MM */
  period: Scalars['String']['output'];
  /** the whole report as issued */
  report: SlaReport;
  /** the frozen report's uptime, a percentage */
  uptimePercent: Scalars['Decimal']['output'];
  /** 1 for the first statement of the period, then one more per re-issue */
  version: Scalars['Int']['output'];
};

/** Status of a minute or a live window (concepts §4). */
export type Status =
  | 'DEGRADED'
  | 'MAJOR_OUTAGE'
  | 'NO_DATA'
  | 'OPERATIONAL'
  | 'PARTIAL_OUTAGE';

/** Failures with one HTTP status and error code (null: the events had none). */
export type StatusCount = {
  __typename?: 'StatusCount';
  count: Scalars['Int']['output'];
  errorCode?: Maybe<Scalars['String']['output']>;
  httpStatus?: Maybe<Scalars['Int']['output']>;
};

/** A provider's status page held against measurement over a window (concepts §12). */
export type StatusPageAccuracy = {
  __typename?: 'StatusPageAccuracy';
  acknowledgedOutages: Scalars['Int']['output'];
  /** incidents created in the window */
  incidents: Scalars['Int']['output'];
  /** incidents (impact other than NONE) that acknowledge no outage and during which no covered model had a bad minute */
  incidentsWithoutMeasuredImpact: Scalars['Int']['output'];
  /** the lower median of acknowledgementDelayMinutes over incidents that acknowledge an outage */
  medianAcknowledgementDelayMinutes?: Maybe<Scalars['Float']['output']>;
  /** the least severe outage counted */
  minSeverity: Status;
  /** outages (per model, over all platforms) that started in the window */
  outages: Scalars['Int']['output'];
  perIncident: Array<IncidentAccuracy>;
  perOutage: Array<OutageAcknowledgement>;
  provider: Scalars['String']['output'];
  /** the total duration of the outages no incident acknowledged */
  unacknowledgedOutageMinutes: Scalars['Int']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** A model's live status, each time it changes (server-sent events). */
  statusChanged: ModelStatus;
};


export type SubscriptionStatusChangedArgs = {
  provider?: InputMaybe<Scalars['String']['input']>;
};

/** One provider's model (or, with model null, all its models) over a window (concepts §7). */
export type VendorScore = {
  __typename?: 'VendorScore';
  /** successes / eligible requests, in percent */
  availabilityPercent?: Maybe<Scalars['Float']['output']>;
  eligibleRequests: Scalars['Int']['output'];
  longestOutageMinutes?: Maybe<Scalars['Int']['output']>;
  model?: Maybe<Scalars['String']['output']>;
  mtbfMinutes?: Maybe<Scalars['Float']['output']>;
  mttrMinutes?: Maybe<Scalars['Float']['output']>;
  /** operational minutes among minutes with a status (enough requests to judge) */
  operationalMinutesPercent?: Maybe<Scalars['Float']['output']>;
  /** their whole durations */
  outageMinutes: Scalars['Int']['output'];
  /** outages starting in the window */
  outages: Scalars['Int']['output'];
  outcomes: OutcomeMix;
  p50LatencyMs?: Maybe<Scalars['Float']['output']>;
  p95LatencyMs?: Maybe<Scalars['Float']['output']>;
  p99LatencyMs?: Maybe<Scalars['Float']['output']>;
  provider: Scalars['String']['output'];
  /** availability descending, then p95 latency ascending (model rows and provider rows ranked apart) */
  rank: Scalars['Int']['output'];
  ttftP95Ms?: Maybe<Scalars['Float']['output']>;
};

/** The key making this request. */
export type Viewer = {
  __typename?: 'Viewer';
  keyId: Scalars['ID']['output'];
  platform?: Maybe<Scalars['String']['output']>;
  scopes: Array<Scope>;
};

/** JSON: the ledger's webhook body (docs/alerts.md); SLACK: a Slack incoming-webhook message. */
export type WebhookFormat =
  | 'JSON'
  | 'SLACK';



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ActionReport: ResolverTypeWrapper<ActionReport>;
  Alert: ResolverTypeWrapper<AlertView>;
  AlertDelivery: ResolverTypeWrapper<DeliveryView>;
  AlertKind: AlertKind;
  AlertRule: ResolverTypeWrapper<AlertRuleModel>;
  AlertRuleInput: AlertRuleInput;
  AlertSeverity: AlertSeverity;
  AlertState: AlertState;
  ApiKey: ResolverTypeWrapper<ApiKey>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Claim: ResolverTypeWrapper<ClaimModel>;
  ClaimOutcome: ClaimOutcome;
  ClaimStatus: ClaimStatus;
  ClaimTotals: ResolverTypeWrapper<ClaimTotals>;
  ClaimTransition: ResolverTypeWrapper<ClaimTransition>;
  ComponentMapping: ResolverTypeWrapper<ComponentMapping>;
  ComponentMappingInput: ComponentMappingInput;
  Contract: ResolverTypeWrapper<Contract>;
  ContractInput: ContractInput;
  CreatedAlertRule: ResolverTypeWrapper<CreatedAlertRuleModel>;
  CreatedApiKey: ResolverTypeWrapper<CreatedApiKey>;
  CreditLine: ResolverTypeWrapper<CreditLine>;
  CreditSummary: ResolverTypeWrapper<CreditSummary>;
  CreditTier: ResolverTypeWrapper<CreditTier>;
  CreditTierInput: CreditTierInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  DeliveryAttempt: ResolverTypeWrapper<DeliveryAttempt>;
  DeliveryState: DeliveryState;
  DeliveryTransition: DeliveryTransition;
  DetectionPolicy: ResolverTypeWrapper<DetectionPolicy>;
  DetectionPolicyInput: DetectionPolicyInput;
  DowntimeRun: ResolverTypeWrapper<EvidenceRunWithBreakdown>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Incident: ResolverTypeWrapper<Incident>;
  IncidentAccuracy: ResolverTypeWrapper<IncidentAccuracy>;
  IncidentImpact: IncidentImpact;
  IncidentUpdate: ResolverTypeWrapper<IncidentUpdate>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  MaintenanceInput: MaintenanceInput;
  MaintenanceWindow: ResolverTypeWrapper<MaintenanceWindow>;
  MinuteStat: ResolverTypeWrapper<MinuteStat>;
  ModelStatus: ResolverTypeWrapper<ModelStatus>;
  Money: ResolverTypeWrapper<Money>;
  MoneyInput: MoneyInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OtlpProviderAlias: ResolverTypeWrapper<OtlpProviderAlias>;
  OtlpProviderAliasInput: OtlpProviderAliasInput;
  Outage: ResolverTypeWrapper<Outage>;
  OutageAcknowledgement: ResolverTypeWrapper<OutageAcknowledgement>;
  OutageAction: ResolverTypeWrapper<OutageAction>;
  OutcomeMix: ResolverTypeWrapper<OutcomeMix>;
  PlatformAction: ResolverTypeWrapper<PlatformAction>;
  PlatformActionKind: PlatformActionKind;
  Policy: ResolverTypeWrapper<Policy>;
  PolicyInput: PolicyInput;
  PolicyKind: PolicyKind;
  ProjectionState: ResolverTypeWrapper<ProjectionState>;
  ProviderIncident: ResolverTypeWrapper<ProviderIncident>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Scope: Scope;
  SlaReport: ResolverTypeWrapper<LiveSlaReport>;
  Statement: ResolverTypeWrapper<Omit<Statement, 'report'> & { report: ResolversTypes['SlaReport'] }>;
  Status: Status;
  StatusCount: ResolverTypeWrapper<StatusCount>;
  StatusPageAccuracy: ResolverTypeWrapper<StatusPageAccuracy>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  VendorScore: ResolverTypeWrapper<VendorScore>;
  Viewer: ResolverTypeWrapper<Viewer>;
  WebhookFormat: WebhookFormat;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ActionReport: ActionReport;
  Alert: AlertView;
  AlertDelivery: DeliveryView;
  AlertRule: AlertRuleModel;
  AlertRuleInput: AlertRuleInput;
  ApiKey: ApiKey;
  Boolean: Scalars['Boolean']['output'];
  Claim: ClaimModel;
  ClaimTotals: ClaimTotals;
  ClaimTransition: ClaimTransition;
  ComponentMapping: ComponentMapping;
  ComponentMappingInput: ComponentMappingInput;
  Contract: Contract;
  ContractInput: ContractInput;
  CreatedAlertRule: CreatedAlertRuleModel;
  CreatedApiKey: CreatedApiKey;
  CreditLine: CreditLine;
  CreditSummary: CreditSummary;
  CreditTier: CreditTier;
  CreditTierInput: CreditTierInput;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  DeliveryAttempt: DeliveryAttempt;
  DetectionPolicy: DetectionPolicy;
  DetectionPolicyInput: DetectionPolicyInput;
  DowntimeRun: EvidenceRunWithBreakdown;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Incident: Incident;
  IncidentAccuracy: IncidentAccuracy;
  IncidentUpdate: IncidentUpdate;
  Int: Scalars['Int']['output'];
  MaintenanceInput: MaintenanceInput;
  MaintenanceWindow: MaintenanceWindow;
  MinuteStat: MinuteStat;
  ModelStatus: ModelStatus;
  Money: Money;
  MoneyInput: MoneyInput;
  Mutation: Record<PropertyKey, never>;
  OtlpProviderAlias: OtlpProviderAlias;
  OtlpProviderAliasInput: OtlpProviderAliasInput;
  Outage: Outage;
  OutageAcknowledgement: OutageAcknowledgement;
  OutageAction: OutageAction;
  OutcomeMix: OutcomeMix;
  PlatformAction: PlatformAction;
  Policy: Policy;
  PolicyInput: PolicyInput;
  ProjectionState: ProjectionState;
  ProviderIncident: ProviderIncident;
  Query: Record<PropertyKey, never>;
  SlaReport: LiveSlaReport;
  Statement: Omit<Statement, 'report'> & { report: ResolversParentTypes['SlaReport'] };
  StatusCount: StatusCount;
  StatusPageAccuracy: StatusPageAccuracy;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  VendorScore: VendorScore;
  Viewer: Viewer;
};

export type ActionReportResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ActionReport'] = ResolversParentTypes['ActionReport']> = {
  medianTimeToActionMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  outages?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  outagesWithoutAction?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  perOutage?: Resolver<Array<ResolversTypes['OutageAction']>, ParentType, ContextType>;
  routedAwayMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  routedAwayWhileHealthyMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AlertResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Alert'] = ResolversParentTypes['Alert']> = {
  deliveries?: Resolver<Array<ResolversTypes['AlertDelivery']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  resolvedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['AlertRule'], ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['AlertSeverity'], ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['AlertState'], ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AlertDeliveryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['AlertDelivery'] = ResolversParentTypes['AlertDelivery']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  attempts?: Resolver<Array<ResolversTypes['DeliveryAttempt']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  nextAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['DeliveryState'], ParentType, ContextType>;
  statusCode?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  transition?: Resolver<ResolversTypes['DeliveryTransition'], ParentType, ContextType>;
};

export type AlertRuleResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['AlertRule'] = ResolversParentTypes['AlertRule']> = {
  contractId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  forMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  format?: Resolver<ResolversTypes['WebhookFormat'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['AlertKind'], ParentType, ContextType>;
  minSeverity?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  platform?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  webhookUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ApiKeyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ApiKey'] = ResolversParentTypes['ApiKey']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  platform?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  scopes?: Resolver<Array<ResolversTypes['Scope']>, ParentType, ContextType>;
};

export type ClaimResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Claim'] = ResolversParentTypes['Claim']> = {
  claimDeadline?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  claimedAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  contract?: Resolver<ResolversTypes['Contract'], ParentType, ContextType>;
  creditedAmount?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  evidenceDigest?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  evidenceEvents?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  filedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['ClaimTransition']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  period?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  resolvedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  statementVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ClaimStatus'], ParentType, ContextType>;
};

export type ClaimTotalsResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ClaimTotals'] = ResolversParentTypes['ClaimTotals']> = {
  claimed?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  credited?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outstanding?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recoveryRate?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
};

export type ClaimTransitionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ClaimTransition'] = ResolversParentTypes['ClaimTransition']> = {
  actor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ClaimStatus'], ParentType, ContextType>;
};

export type ComponentMappingResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ComponentMapping'] = ResolversParentTypes['ComponentMapping']> = {
  component?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  models?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ContractResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Contract'] = ResolversParentTypes['Contract']> = {
  claimWindowDays?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  countRateLimited?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  countTimeouts?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  creditTiers?: Resolver<Array<ResolversTypes['CreditTier']>, ParentType, ContextType>;
  effectiveFrom?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  effectiveTo?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  errorStatuses?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inForceFrom?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  minimumCredit?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  models?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  monthlyFee?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  platform?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  policy?: Resolver<ResolversTypes['Policy'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  targetPercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  timeZone?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type CreatedAlertRuleResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CreatedAlertRule'] = ResolversParentTypes['CreatedAlertRule']> = {
  rule?: Resolver<ResolversTypes['AlertRule'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CreatedApiKeyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CreatedApiKey'] = ResolversParentTypes['CreatedApiKey']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  platform?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  scopes?: Resolver<Array<ResolversTypes['Scope']>, ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CreditLineResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CreditLine'] = ResolversParentTypes['CreditLine']> = {
  claimDeadline?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  claimDeadlineLocal?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  contract?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  creditAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  creditPercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  final?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  platform?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uptimePercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
};

export type CreditSummaryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CreditSummary'] = ResolversParentTypes['CreditSummary']> = {
  lines?: Resolver<Array<ResolversTypes['CreditLine']>, ParentType, ContextType>;
  period?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  totals?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
};

export type CreditTierResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CreditTier'] = ResolversParentTypes['CreditTier']> = {
  creditPercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  uptimeBelow?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type DeliveryAttemptResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['DeliveryAttempt'] = ResolversParentTypes['DeliveryAttempt']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  durationMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sentBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  statusCode?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type DetectionPolicyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['DetectionPolicy'] = ResolversParentTypes['DetectionPolicy']> = {
  degradedAt?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  liveWindowMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  majorAt?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  mergeGapMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  minSamples?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  partialAt?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DowntimeRunResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['DowntimeRun'] = ResolversParentTypes['DowntimeRun']> = {
  eligibleRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  end?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  failedRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  minutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  statusBreakdown?: Resolver<Array<ResolversTypes['StatusCount']>, ParentType, ContextType>;
};

export type IncidentResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Incident'] = ResolversParentTypes['Incident']> = {
  durationMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  end?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  modelOutages?: Resolver<Array<ResolversTypes['Outage']>, ParentType, ContextType>;
  models?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  ongoing?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  outages?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type IncidentAccuracyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['IncidentAccuracy'] = ResolversParentTypes['IncidentAccuracy']> = {
  acknowledgementDelayMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  acknowledges?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  impact?: Resolver<ResolversTypes['IncidentImpact'], ParentType, ContextType>;
  incidentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  measuredImpact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resolvedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type IncidentUpdateResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['IncidentUpdate'] = ResolversParentTypes['IncidentUpdate']> = {
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MaintenanceWindowResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MaintenanceWindow'] = ResolversParentTypes['MaintenanceWindow']> = {
  end?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  models?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type MinuteStatResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MinuteStat'] = ResolversParentTypes['MinuteStat']> = {
  clientErrors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  eligible?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  errors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failures?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  minute?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  p95LatencyMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  rateLimited?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  successes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  timeouts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ModelStatusResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ModelStatus'] = ResolversParentTypes['ModelStatus']> = {
  eligibleRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  errorRate?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  model?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  since?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  amendContract?: Resolver<ResolversTypes['Contract'], ParentType, ContextType, RequireFields<MutationAmendContractArgs, 'effectiveFrom' | 'id' | 'input'>>;
  createAlertRule?: Resolver<ResolversTypes['CreatedAlertRule'], ParentType, ContextType, RequireFields<MutationCreateAlertRuleArgs, 'input'>>;
  createApiKey?: Resolver<ResolversTypes['CreatedApiKey'], ParentType, ContextType, RequireFields<MutationCreateApiKeyArgs, 'scopes'>>;
  declareMaintenance?: Resolver<ResolversTypes['MaintenanceWindow'], ParentType, ContextType, RequireFields<MutationDeclareMaintenanceArgs, 'input'>>;
  defineContract?: Resolver<ResolversTypes['Contract'], ParentType, ContextType, RequireFields<MutationDefineContractArgs, 'input'>>;
  deleteAlertRule?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteAlertRuleArgs, 'id'>>;
  endContract?: Resolver<ResolversTypes['Contract'], ParentType, ContextType, RequireFields<MutationEndContractArgs, 'effectiveTo' | 'id'>>;
  fileClaim?: Resolver<ResolversTypes['Claim'], ParentType, ContextType, RequireFields<MutationFileClaimArgs, 'id'>>;
  issueStatement?: Resolver<ResolversTypes['Statement'], ParentType, ContextType, RequireFields<MutationIssueStatementArgs, 'contractId' | 'period'>>;
  openClaim?: Resolver<ResolversTypes['Claim'], ParentType, ContextType, RequireFields<MutationOpenClaimArgs, 'contractId' | 'period'>>;
  resolveClaim?: Resolver<ResolversTypes['Claim'], ParentType, ContextType, RequireFields<MutationResolveClaimArgs, 'creditedAmount' | 'id' | 'outcome'>>;
  revokeApiKey?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRevokeApiKeyArgs, 'id'>>;
  setDetectionPolicy?: Resolver<ResolversTypes['DetectionPolicy'], ParentType, ContextType, RequireFields<MutationSetDetectionPolicyArgs, 'input'>>;
  setOtlpProviderAliases?: Resolver<Array<ResolversTypes['OtlpProviderAlias']>, ParentType, ContextType, RequireFields<MutationSetOtlpProviderAliasesArgs, 'aliases' | 'keyId'>>;
  setStatusComponents?: Resolver<Array<ResolversTypes['ComponentMapping']>, ParentType, ContextType, RequireFields<MutationSetStatusComponentsArgs, 'components' | 'provider'>>;
  updateAlertRule?: Resolver<ResolversTypes['AlertRule'], ParentType, ContextType, RequireFields<MutationUpdateAlertRuleArgs, 'id' | 'input'>>;
  withdrawClaim?: Resolver<ResolversTypes['Claim'], ParentType, ContextType, RequireFields<MutationWithdrawClaimArgs, 'id'>>;
};

export type OtlpProviderAliasResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OtlpProviderAlias'] = ResolversParentTypes['OtlpProviderAlias']> = {
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type OutageResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Outage'] = ResolversParentTypes['Outage']> = {
  durationMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  eligibleRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  end?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  failedRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastBadMinuteEnd?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ongoing?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  peakErrorRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  platform?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  platformsAffected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type OutageAcknowledgementResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OutageAcknowledgement'] = ResolversParentTypes['OutageAcknowledgement']> = {
  acknowledgedBy?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  end?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  model?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type OutageActionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OutageAction'] = ResolversParentTypes['OutageAction']> = {
  end?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  model?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  restoreLagMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  timeToActionMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type OutcomeMixResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OutcomeMix'] = ResolversParentTypes['OutcomeMix']> = {
  clientError?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rateLimited?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  success?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  timeout?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PlatformActionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PlatformAction'] = ResolversParentTypes['PlatformAction']> = {
  action?: Resolver<ResolversTypes['PlatformActionKind'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  occurredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  platform?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  target?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PolicyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Policy'] = ResolversParentTypes['Policy']> = {
  errorRateThreshold?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['PolicyKind'], ParentType, ContextType>;
  minConsecutiveMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  minSamples?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  windowMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ProjectionStateResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProjectionState'] = ResolversParentTypes['ProjectionState']> = {
  caughtUp?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  eventsFolded?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  generation?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lagEvents?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lagExact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type ProviderIncidentResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProviderIncident'] = ResolversParentTypes['ProviderIncident']> = {
  components?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  impact?: Resolver<ResolversTypes['IncidentImpact'], ParentType, ContextType>;
  incidentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  models?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resolvedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updates?: Resolver<Array<ResolversTypes['IncidentUpdate']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  actionReport?: Resolver<ResolversTypes['ActionReport'], ParentType, ContextType, RequireFields<QueryActionReportArgs, 'from' | 'platform' | 'provider' | 'to'>>;
  alertRules?: Resolver<Array<ResolversTypes['AlertRule']>, ParentType, ContextType>;
  alerts?: Resolver<Array<ResolversTypes['Alert']>, ParentType, ContextType, RequireFields<QueryAlertsArgs, 'from' | 'to'>>;
  apiKeys?: Resolver<Array<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  claim?: Resolver<Maybe<ResolversTypes['Claim']>, ParentType, ContextType, RequireFields<QueryClaimArgs, 'id'>>;
  claimSummary?: Resolver<Array<ResolversTypes['ClaimTotals']>, ParentType, ContextType, Partial<QueryClaimSummaryArgs>>;
  claims?: Resolver<Array<ResolversTypes['Claim']>, ParentType, ContextType, Partial<QueryClaimsArgs>>;
  contracts?: Resolver<Array<ResolversTypes['Contract']>, ParentType, ContextType, Partial<QueryContractsArgs>>;
  credits?: Resolver<ResolversTypes['CreditSummary'], ParentType, ContextType, RequireFields<QueryCreditsArgs, 'period'>>;
  incidents?: Resolver<Array<ResolversTypes['Incident']>, ParentType, ContextType, RequireFields<QueryIncidentsArgs, 'from' | 'to'>>;
  minuteSeries?: Resolver<Array<ResolversTypes['MinuteStat']>, ParentType, ContextType, RequireFields<QueryMinuteSeriesArgs, 'from' | 'provider' | 'to'>>;
  otlpProviderAliases?: Resolver<Array<ResolversTypes['OtlpProviderAlias']>, ParentType, ContextType, RequireFields<QueryOtlpProviderAliasesArgs, 'keyId'>>;
  outages?: Resolver<Array<ResolversTypes['Outage']>, ParentType, ContextType, RequireFields<QueryOutagesArgs, 'from' | 'to'>>;
  platformActions?: Resolver<Array<ResolversTypes['PlatformAction']>, ParentType, ContextType, RequireFields<QueryPlatformActionsArgs, 'from' | 'to'>>;
  projections?: Resolver<Array<ResolversTypes['ProjectionState']>, ParentType, ContextType>;
  providerIncidents?: Resolver<Array<ResolversTypes['ProviderIncident']>, ParentType, ContextType, RequireFields<QueryProviderIncidentsArgs, 'from' | 'to'>>;
  providerStatus?: Resolver<Array<ResolversTypes['ModelStatus']>, ParentType, ContextType, Partial<QueryProviderStatusArgs>>;
  slaReport?: Resolver<ResolversTypes['SlaReport'], ParentType, ContextType, RequireFields<QuerySlaReportArgs, 'contractId' | 'period'>>;
  slaReports?: Resolver<Array<ResolversTypes['SlaReport']>, ParentType, ContextType, RequireFields<QuerySlaReportsArgs, 'period'>>;
  statements?: Resolver<Array<ResolversTypes['Statement']>, ParentType, ContextType, RequireFields<QueryStatementsArgs, 'contractId'>>;
  statusComponents?: Resolver<Array<ResolversTypes['ComponentMapping']>, ParentType, ContextType, RequireFields<QueryStatusComponentsArgs, 'provider'>>;
  statusPageAccuracy?: Resolver<ResolversTypes['StatusPageAccuracy'], ParentType, ContextType, RequireFields<QueryStatusPageAccuracyArgs, 'from' | 'minSeverity' | 'provider' | 'to'>>;
  vendorComparison?: Resolver<Array<ResolversTypes['VendorScore']>, ParentType, ContextType, RequireFields<QueryVendorComparisonArgs, 'from' | 'providerRows' | 'to'>>;
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
};

export type SlaReportResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SlaReport'] = ResolversParentTypes['SlaReport']> = {
  allowedDowntimeMinutes?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  amendedDuringPeriod?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  budgetBurn?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  budgetRemainingMinutes?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  claimDeadline?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  claimDeadlineLocal?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  contract?: Resolver<ResolversTypes['Contract'], ParentType, ContextType>;
  contractVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  creditAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  creditPercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  differsFromStatement?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  downtimeMinutes?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  eligibleMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  eventsAfterStatement?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  eventsCounted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  evidence?: Resolver<Array<ResolversTypes['DowntimeRun']>, ParentType, ContextType>;
  excludedMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  final?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasTraffic?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  met?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  period?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  periodEnd?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  periodStart?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  statementVersion?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  targetPercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  uptimePercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
};

export type StatementResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Statement'] = ResolversParentTypes['Statement']> = {
  contractId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  creditAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  creditPercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  eventsCounted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  issuedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  met?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  period?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  report?: Resolver<ResolversTypes['SlaReport'], ParentType, ContextType>;
  uptimePercent?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type StatusCountResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StatusCount'] = ResolversParentTypes['StatusCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  errorCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  httpStatus?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type StatusPageAccuracyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StatusPageAccuracy'] = ResolversParentTypes['StatusPageAccuracy']> = {
  acknowledgedOutages?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  incidents?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  incidentsWithoutMeasuredImpact?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  medianAcknowledgementDelayMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  minSeverity?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  outages?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  perIncident?: Resolver<Array<ResolversTypes['IncidentAccuracy']>, ParentType, ContextType>;
  perOutage?: Resolver<Array<ResolversTypes['OutageAcknowledgement']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unacknowledgedOutageMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  statusChanged?: SubscriptionResolver<ResolversTypes['ModelStatus'], "statusChanged", ParentType, ContextType, Partial<SubscriptionStatusChangedArgs>>;
};

export type VendorScoreResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['VendorScore'] = ResolversParentTypes['VendorScore']> = {
  availabilityPercent?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  eligibleRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  longestOutageMinutes?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  mtbfMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  mttrMinutes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  operationalMinutesPercent?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  outageMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  outages?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  outcomes?: Resolver<ResolversTypes['OutcomeMix'], ParentType, ContextType>;
  p50LatencyMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  p95LatencyMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  p99LatencyMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  ttftP95Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type ViewerResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  keyId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  platform?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  scopes?: Resolver<Array<ResolversTypes['Scope']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphqlContext> = {
  ActionReport?: ActionReportResolvers<ContextType>;
  Alert?: AlertResolvers<ContextType>;
  AlertDelivery?: AlertDeliveryResolvers<ContextType>;
  AlertRule?: AlertRuleResolvers<ContextType>;
  ApiKey?: ApiKeyResolvers<ContextType>;
  Claim?: ClaimResolvers<ContextType>;
  ClaimTotals?: ClaimTotalsResolvers<ContextType>;
  ClaimTransition?: ClaimTransitionResolvers<ContextType>;
  ComponentMapping?: ComponentMappingResolvers<ContextType>;
  Contract?: ContractResolvers<ContextType>;
  CreatedAlertRule?: CreatedAlertRuleResolvers<ContextType>;
  CreatedApiKey?: CreatedApiKeyResolvers<ContextType>;
  CreditLine?: CreditLineResolvers<ContextType>;
  CreditSummary?: CreditSummaryResolvers<ContextType>;
  CreditTier?: CreditTierResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  DeliveryAttempt?: DeliveryAttemptResolvers<ContextType>;
  DetectionPolicy?: DetectionPolicyResolvers<ContextType>;
  DowntimeRun?: DowntimeRunResolvers<ContextType>;
  Incident?: IncidentResolvers<ContextType>;
  IncidentAccuracy?: IncidentAccuracyResolvers<ContextType>;
  IncidentUpdate?: IncidentUpdateResolvers<ContextType>;
  MaintenanceWindow?: MaintenanceWindowResolvers<ContextType>;
  MinuteStat?: MinuteStatResolvers<ContextType>;
  ModelStatus?: ModelStatusResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  OtlpProviderAlias?: OtlpProviderAliasResolvers<ContextType>;
  Outage?: OutageResolvers<ContextType>;
  OutageAcknowledgement?: OutageAcknowledgementResolvers<ContextType>;
  OutageAction?: OutageActionResolvers<ContextType>;
  OutcomeMix?: OutcomeMixResolvers<ContextType>;
  PlatformAction?: PlatformActionResolvers<ContextType>;
  Policy?: PolicyResolvers<ContextType>;
  ProjectionState?: ProjectionStateResolvers<ContextType>;
  ProviderIncident?: ProviderIncidentResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SlaReport?: SlaReportResolvers<ContextType>;
  Statement?: StatementResolvers<ContextType>;
  StatusCount?: StatusCountResolvers<ContextType>;
  StatusPageAccuracy?: StatusPageAccuracyResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  VendorScore?: VendorScoreResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
};

