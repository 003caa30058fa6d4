/** The GraphQL schema (api.md § GraphQL); each later feature adds its types and fields here. */
export const typeDefs = /* GraphQL */ `
  "An instant, RFC 3339 (e.g. 2026-06-07T09:02:00.000Z)."
  scalar DateTime
  "An exact decimal number, as a string (e.g. \\"99.9312\\")."
  scalar Decimal

  "An amount of money in an ISO 4217 currency."
  type Money {
    amount: Decimal!
    currency: String!
  }

  enum Scope {
    "post outcome events for the key's own platform"
    INGEST
    "queries: a platform key reads its own contracts and traffic plus provider-wide figures"
    READ
    "contracts, maintenance, keys, everything"
    ADMIN
  }

  type ApiKey {
    id: ID!
    "null for staff keys, which belong to no platform"
    platform: String
    name: String
    scopes: [Scope!]!
    createdAt: DateTime!
    revokedAt: DateTime
  }

  type CreatedApiKey {
    id: ID!
    platform: String
    name: String
    scopes: [Scope!]!
    createdAt: DateTime!
    "The bearer token. Shown once: only a hash is stored."
    secret: String!
  }

  "The key making this request."
  type Viewer {
    keyId: ID!
    platform: String
    scopes: [Scope!]!
  }

  "Status of a minute or a live window (concepts §4)."
  enum Status {
    NO_DATA
    OPERATIONAL
    DEGRADED
    PARTIAL_OUTAGE
    MAJOR_OUTAGE
  }

  "A maximal run of bad minutes of one series (concepts §5). Times are whole UTC minutes."
  type Outage {
    provider: String!
    model: String!
    "null for the model's series over all platforms"
    platform: String
    start: DateTime!
    "null while ongoing"
    end: DateTime
    "end of the last bad minute so far, also while ongoing"
    lastBadMinuteEnd: DateTime!
    ongoing: Boolean!
    durationMinutes: Int!
    severity: Status!
    peakErrorRate: Float!
    eligibleRequests: Int!
    failedRequests: Int!
    platformsAffected: Int!
  }

  "Outages of one provider's models that overlap or lie within the merge gap (concepts §5)."
  type Incident {
    provider: String!
    start: DateTime!
    "null while ongoing"
    end: DateTime
    ongoing: Boolean!
    durationMinutes: Int!
    severity: Status!
    models: [String!]!
    "how many model outages it groups"
    outages: Int!
    modelOutages: [Outage!]!
  }

  "One UTC minute of a series that has events."
  type MinuteStat {
    minute: DateTime!
    status: Status!
    eligible: Int!
    failures: Int!
    successes: Int!
    timeouts: Int!
    errors: Int!
    rateLimited: Int!
    clientErrors: Int!
    "within 1 % of the exact nearest-rank p95 of successful requests; null without latencies"
    p95LatencyMs: Float
  }

  "Live status of a model over all platforms (concepts §4, live window)."
  type ModelStatus {
    provider: String!
    model: String!
    status: Status!
    since: DateTime!
    errorRate: Float
    eligibleRequests: Int!
  }

  type ProjectionState {
    name: String!
    "checkpoint in the log's commit order, transaction id:position"
    position: String!
    eventsFolded: Float!
    lagEvents: Int!
    caughtUp: Boolean!
    updatedAt: DateTime!
  }

  type DetectionPolicy {
    provider: String!
    "null for the provider-wide policy"
    model: String
    minSamples: Int!
    degradedAt: Decimal!
    partialAt: Decimal!
    majorAt: Decimal!
    mergeGapMinutes: Int!
    liveWindowMinutes: Int!
  }

  input DetectionPolicyInput {
    provider: String!
    "omit for the provider-wide policy"
    model: String
    minSamples: Int
    degradedAt: Decimal
    partialAt: Decimal
    majorAt: Decimal
    mergeGapMinutes: Int
    liveWindowMinutes: Int
  }

  enum PolicyKind {
    DOWNTIME_MINUTES
    AVERAGE_ERROR_RATE
    REQUEST_SUCCESS_RATIO
  }

  type Policy {
    kind: PolicyKind!
    errorRateThreshold: Decimal!
    minSamples: Int!
    minConsecutiveMinutes: Int!
    windowMinutes: Int!
  }

  input PolicyInput {
    kind: PolicyKind!
    "DOWNTIME_MINUTES (and the evidence of every policy): a minute is down at this error rate; default 0.05"
    errorRateThreshold: Decimal
    "DOWNTIME_MINUTES: requests a minute needs to count as down; default 1"
    minSamples: Int
    "DOWNTIME_MINUTES: down minutes needed in a row; default 1"
    minConsecutiveMinutes: Int
    "AVERAGE_ERROR_RATE: window length; default 5"
    windowMinutes: Int
  }

  type CreditTier {
    uptimeBelow: Decimal!
    creditPercent: Decimal!
  }

  input CreditTierInput {
    uptimeBelow: Decimal!
    creditPercent: Decimal!
  }

  input MoneyInput {
    amount: Decimal!
    currency: String!
  }

  input ContractInput {
    platform: String!
    provider: String!
    "empty or omitted: every model of the provider"
    models: [String!]
    "IANA time zone of the calendar months; default UTC"
    timeZone: String
    targetPercent: Decimal!
    policy: PolicyInput!
    "count rate_limited as failures; default false"
    countRateLimited: Boolean
    creditTiers: [CreditTierInput!]
    monthlyFee: MoneyInput!
    "default 30"
    claimWindowDays: Int
    effectiveFrom: DateTime!
    effectiveTo: DateTime
  }

  "An SLA between a platform and a provider, at its latest version."
  type Contract {
    id: ID!
    version: Int!
    platform: String!
    provider: String!
    models: [String!]!
    timeZone: String!
    targetPercent: Decimal!
    policy: Policy!
    countRateLimited: Boolean!
    creditTiers: [CreditTier!]!
    monthlyFee: Money!
    claimWindowDays: Int!
    effectiveFrom: DateTime!
    effectiveTo: DateTime
    "when this version took effect"
    inForceFrom: DateTime!
  }

  input MaintenanceInput {
    provider: String!
    "empty or omitted: every model of the provider"
    models: [String!]
    start: DateTime!
    end: DateTime!
    reason: String!
  }

  type MaintenanceWindow {
    id: ID!
    provider: String!
    models: [String!]!
    start: DateTime!
    end: DateTime!
    reason: String!
  }

  "A run of consecutive minutes that failed the contract's threshold: the evidence for a claim."
  type DowntimeRun {
    start: DateTime!
    end: DateTime!
    minutes: Int!
    eligibleRequests: Int!
    failedRequests: Int!
  }

  "A contract's compliance for one calendar month (concepts §6)."
  type SlaReport {
    contract: Contract!
    "the contract version whose terms apply (those in force at the period's end)"
    contractVersion: Int!
    amendedDuringPeriod: Boolean!
    period: String!
    periodStart: DateTime!
    periodEnd: DateTime!
    "true once the period has ended"
    final: Boolean!
    uptimePercent: Decimal!
    targetPercent: Decimal!
    met: Boolean!
    eligibleMinutes: Int!
    excludedMinutes: Int!
    "DOWNTIME_MINUTES only"
    downtimeMinutes: Int
    allowedDowntimeMinutes: Decimal
    budgetRemainingMinutes: Decimal
    budgetBurn: Decimal
    creditPercent: Decimal!
    creditAmount: Money!
    claimDeadline: DateTime!
    evidence: [DowntimeRun!]!
    "the contract's events in the period"
    eventsCounted: Int!
    "latest statement issued for the period, if any"
    statementVersion: Int
    "events that arrived after that statement"
    eventsAfterStatement: Int
    "whether the live figures now differ from that statement"
    differsFromStatement: Boolean
  }

  type CreditLine {
    contract: ID!
    platform: String!
    provider: String!
    uptimePercent: Decimal!
    creditPercent: Decimal!
    creditAmount: Money!
    claimDeadline: DateTime!
    final: Boolean!
  }

  type CreditSummary {
    period: String!
    totals: [Money!]!
    lines: [CreditLine!]!
  }

  "A frozen report: issued once, never changed; re-issuing adds a version."
  type Statement {
    contractId: ID!
    period: String!
    version: Int!
    issuedAt: DateTime!
    uptimePercent: Decimal!
    met: Boolean!
    creditPercent: Decimal!
    creditAmount: Money!
    eventsCounted: Int!
    report: SlaReport!
  }

  type OutcomeMix {
    success: Int!
    error: Int!
    timeout: Int!
    rateLimited: Int!
    clientError: Int!
  }

  "One provider's model (or, with model null, all its models) over a window (concepts §7)."
  type VendorScore {
    provider: String!
    model: String
    "availability descending, then p95 latency ascending (model rows and provider rows ranked apart)"
    rank: Int!
    eligibleRequests: Int!
    "successes / eligible requests, in percent"
    availabilityPercent: Float
    "operational minutes among minutes with a status (enough requests to judge)"
    operationalMinutesPercent: Float
    "outages starting in the window"
    outages: Int!
    "their whole durations"
    outageMinutes: Int!
    mttrMinutes: Float
    mtbfMinutes: Float
    longestOutageMinutes: Int
    p50LatencyMs: Float
    p95LatencyMs: Float
    p99LatencyMs: Float
    ttftP95Ms: Float
    outcomes: OutcomeMix!
  }

  type Query {
    viewer: Viewer!
    "Every key, active and revoked (admin)."
    apiKeys: [ApiKey!]!
    "Outages overlapping [from, to), whole. Without platform: the model series over all platforms."
    outages(from: DateTime!, to: DateTime!, provider: String, model: String, platform: String): [Outage!]!
    "Incidents overlapping [from, to), whole."
    incidents(from: DateTime!, to: DateTime!, provider: String): [Incident!]!
    "Minutes of [from, to) that have events; summed over the provider's models unless one is named."
    minuteSeries(from: DateTime!, to: DateTime!, provider: String!, model: String, platform: String): [MinuteStat!]!
    "Live status per model."
    providerStatus(provider: String, model: String): [ModelStatus!]!
    "Projections: checkpoint, lag behind the log, caught up or not."
    projections: [ProjectionState!]!
    "Contracts (a platform key sees its own)."
    contracts(platform: String, provider: String): [Contract!]!
    "One contract's report for a month YYYY-MM."
    slaReport(contractId: ID!, period: String!): SlaReport!
    slaReports(period: String!, platform: String, provider: String): [SlaReport!]!
    "Credits owed per contract for a month, with totals per currency (finance)."
    credits(period: String!): CreditSummary!
    "Every statement version of a contract."
    statements(contractId: ID!): [Statement!]!
    "Vendor reliability over [from, to): model rows, and provider rows with providerRows: true."
    vendorComparison(from: DateTime!, to: DateTime!, providers: [String!], models: [String!], platform: String, providerRows: Boolean = false): [VendorScore!]!
  }

  type Mutation {
    createApiKey(platform: String, scopes: [Scope!]!, name: String): CreatedApiKey!
    "Revokes a key at once; false when it is unknown or already revoked."
    revokeApiKey(id: ID!): Boolean!
    "Overrides detection thresholds for a provider or a model; the outages it affects are derived again (admin)."
    setDetectionPolicy(input: DetectionPolicyInput!): DetectionPolicy!
    defineContract(input: ContractInput!): Contract!
    "New terms from effectiveFrom on; a period uses the terms in force at its end."
    amendContract(id: ID!, input: ContractInput!, effectiveFrom: DateTime!): Contract!
    endContract(id: ID!, effectiveTo: DateTime!): Contract!
    declareMaintenance(input: MaintenanceInput!): MaintenanceWindow!
    "Freezes the report of an ended period as a new statement version."
    issueStatement(contractId: ID!, period: String!): Statement!
  }

  type Subscription {
    "A model's live status, each time it changes (server-sent events)."
    statusChanged(provider: String): ModelStatus!
  }
`;
