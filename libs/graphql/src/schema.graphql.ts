/** The GraphQL schema (API.md § GraphQL); each later feature adds its types and fields here. */
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

  "Status of a minute or a live window (DOMAIN §4)."
  enum Status {
    NO_DATA
    OPERATIONAL
    DEGRADED
    PARTIAL_OUTAGE
    MAJOR_OUTAGE
  }

  "A maximal run of bad minutes of one series (DOMAIN §5). Times are whole UTC minutes."
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

  "Outages of one provider's models that overlap or lie within the merge gap (DOMAIN §5)."
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

  "Live status of a model over all platforms (DOMAIN §4, live window)."
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
  }

  type Mutation {
    createApiKey(platform: String, scopes: [Scope!]!, name: String): CreatedApiKey!
    "Revokes a key at once; false when it is unknown or already revoked."
    revokeApiKey(id: ID!): Boolean!
    "Overrides detection thresholds for a provider or a model; the outages it affects are derived again (admin)."
    setDetectionPolicy(input: DetectionPolicyInput!): DetectionPolicy!
  }

  type Subscription {
    "A model's live status, each time it changes (server-sent events)."
    statusChanged(provider: String): ModelStatus!
  }
`;
