/** Outages, incidents, minute series, live status, projections, detection policies: TimelineResolver's part of the GraphQL schema. */
export const timelineTypeDefs = /* GraphQL */ `
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
    "committed events not folded yet: counted exactly up to 100,000, estimated from log positions beyond (see lagExact)"
    lagEvents: Int!
    "false when lagEvents is an estimate"
    lagExact: Boolean!
    caughtUp: Boolean!
    "1, plus one for each rebuild swapped in: figures read before a rebuild belong to an older generation"
    generation: Int!
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

  extend type Query {
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
  }

  extend type Mutation {
    "Overrides detection thresholds for a provider or a model; the outages it affects are derived again (admin)."
    setDetectionPolicy(input: DetectionPolicyInput!): DetectionPolicy!
  }

  extend type Subscription {
    "A model's live status, each time it changes (server-sent events)."
    statusChanged(provider: String): ModelStatus!
  }
`;
