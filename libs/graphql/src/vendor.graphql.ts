/** The vendor comparison: VendorResolver's part of the GraphQL schema. */
export const vendorTypeDefs = /* GraphQL */ `
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

  extend type Query {
    "Vendor reliability over [from, to): model rows, and provider rows with providerRows: true."
    vendorComparison(from: DateTime!, to: DateTime!, providers: [String!], models: [String!], platform: String, providerRows: Boolean = false): [VendorScore!]!
  }
`;
