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

  extend type Query {
    "Contracts (a platform key sees its own)."
    contracts(platform: String, provider: String): [Contract!]!
    "One contract's report for a month YYYY-MM."
    slaReport(contractId: ID!, period: String!): SlaReport!
    slaReports(period: String!, platform: String, provider: String): [SlaReport!]!
    "Credits owed per contract for a month, with totals per currency (finance)."
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
