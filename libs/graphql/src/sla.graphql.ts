/** Contracts, maintenance, SLA reports, credits and statements: SlaResolver's part of the GraphQL schema. */
export const slaTypeDefs = /* GraphQL */ `
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
    "count timeouts as failures; default true (when false, timeouts are not eligible at all)"
    countTimeouts: Boolean
    "count an error as a failure only when its HTTP status matches one entry: a status such as 529 or a class such as 5xx; omitted: every error counts"
    errorStatuses: [String!]
    "a credit below this (after rounding, in the fee's currency) is no credit; omitted: none"
    minimumCredit: MoneyInput
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
    countTimeouts: Boolean!
    "null: every error counts"
    errorStatuses: [String!]
    minimumCredit: Money
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
    "its failures by HTTP status and error code, the 5 largest (read from the log: only ask for it when needed)"
    statusBreakdown: [StatusCount!]!
  }

  "Failures with one HTTP status and error code (null: the events had none)."
  type StatusCount {
    httpStatus: Int
    errorCode: String
    count: Int!
  }

  "A contract's compliance for one calendar month of its term, in the contract's time zone."
  type SlaReport {
    contract: Contract!
    "the contract version whose terms apply (those in force at the period's end)"
    contractVersion: Int!
    "true when the terms changed during the period (the terms at its end apply to all of it)"
    amendedDuringPeriod: Boolean!
    "the month, YYYY-MM"
    period: String!
    "the month's first instant in the contract's time zone"
    periodStart: DateTime!
    "the next month's first instant in the contract's time zone (exclusive)"
    periodEnd: DateTime!
    "true once the period has ended"
    final: Boolean!
    "false when the contract had no events in the period: its figures then rest on no evidence (uptime reads 100 % by definition)"
    hasTraffic: Boolean!
    "the policy's uptime, a percentage rounded half-up to 4 places (compared with the target unrounded)"
    uptimePercent: Decimal!
    "the uptime the contract promises, a percentage"
    targetPercent: Decimal!
    "whether the exact uptime is at least the target"
    met: Boolean!
    "minutes of the period that count: within the contract's term and outside maintenance"
    eligibleMinutes: Int!
    "minutes of the period outside the term or in declared maintenance"
    excludedMinutes: Int!
    "DOWNTIME_MINUTES only: eligible minutes that were down"
    downtimeMinutes: Int
    "DOWNTIME_MINUTES only: the error budget in minutes, (1 − target/100) × eligible minutes"
    allowedDowntimeMinutes: Decimal
    "DOWNTIME_MINUTES only: budget minutes left (negative once overspent)"
    budgetRemainingMinutes: Decimal
    "DOWNTIME_MINUTES only: a ratio, not a percentage — the share of the budget used divided by the share of the period elapsed; 1 spends the budget exactly by the period's end, above 1 runs out before it"
    budgetBurn: Decimal
    "the credit tier reached, a percentage of the monthly fee (0 when none)"
    creditPercent: Decimal!
    "the monthly fee × creditPercent / 100, rounded half-up to the currency's minor unit"
    creditAmount: Money!
    "the last moment to claim the credit: local midnight claimWindowDays after the period ends, as a UTC instant"
    claimDeadline: DateTime!
    "claimDeadline in the contract's time zone, RFC 3339 with its offset (e.g. 2026-07-31T00:00:00.000+02:00)"
    claimDeadlineLocal: String!
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

  "One contract's credit for a month."
  type CreditLine {
    contract: ID!
    platform: String!
    provider: String!
    uptimePercent: Decimal!
    creditPercent: Decimal!
    creditAmount: Money!
    claimDeadline: DateTime!
    "claimDeadline in the contract's time zone, with its offset"
    claimDeadlineLocal: String!
    "true once the period has ended"
    final: Boolean!
  }

  type CreditSummary {
    period: String!
    totals: [Money!]!
    lines: [CreditLine!]!
  }

  "A frozen report: issued once, never changed; re-issuing adds a version."
  type Statement {
    "the contract the statement is of"
    contractId: ID!
    "the month, YYYY-MM"
    period: String!
    "1 for the first statement of the period, then one more per re-issue"
    version: Int!
    "when it was issued"
    issuedAt: DateTime!
    "the frozen report's uptime, a percentage"
    uptimePercent: Decimal!
    "whether the frozen report met the target"
    met: Boolean!
    "the frozen report's credit, a percentage of the monthly fee"
    creditPercent: Decimal!
    "the frozen report's credit"
    creditAmount: Money!
    "the contract's events in the period when it was issued"
    eventsCounted: Int!
    "the whole report as issued"
    report: SlaReport!
  }

  extend type Query {
    "Contracts (a platform key sees its own)."
    contracts(platform: String, provider: String): [Contract!]!
    "One contract's report for a month YYYY-MM of its term (a month outside the term is refused)."
    slaReport(contractId: ID!, period: String!): SlaReport!
    "The reports of every contract in force during the month YYYY-MM."
    slaReports(period: String!, platform: String, provider: String): [SlaReport!]!
    "Credits owed per contract in force during a month, with totals per currency (finance)."
    credits(period: String!): CreditSummary!
    "Every statement version of a contract."
    statements(contractId: ID!): [Statement!]!
  }

  extend type Mutation {
    defineContract(input: ContractInput!): Contract!
    "New terms from effectiveFrom on; a period uses the terms in force at its end."
    amendContract(id: ID!, input: ContractInput!, effectiveFrom: DateTime!): Contract!
    endContract(id: ID!, effectiveTo: DateTime!): Contract!
    declareMaintenance(input: MaintenanceInput!): MaintenanceWindow!
    "Freezes the report of an ended period as a new statement version."
    issueStatement(contractId: ID!, period: String!): Statement!
  }
`;
