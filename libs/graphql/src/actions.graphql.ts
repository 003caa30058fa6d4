/** Platform actions (concepts §11): what a platform did about a provider, and what it cost. */
export const actionsTypeDefs = /* GraphQL */ `
  enum PlatformActionKind {
    DISABLE
    ENABLE
    FAILOVER
    FAILBACK
  }

  "One action a platform recorded (POST /v1/actions)."
  type PlatformAction {
    id: ID!
    platform: String!
    provider: String!
    "the model it concerns; null for the whole provider"
    model: String
    action: PlatformActionKind!
    occurredAt: DateTime!
    "where traffic went instead, when the platform said"
    target: String
    reason: String
  }

  "One outage (a model over all platforms) that started in the window, and what the platform did about it."
  type OutageAction {
    model: String!
    start: DateTime!
    "null while it lasts"
    end: DateTime
    "minutes from the start to the platform's first routing away in [start − 5 min, end], one decimal (negative when it acted first); null when it did not act"
    timeToActionMinutes: Float
    "minutes from the end to its first routing back after it, one decimal; null without an action or before it came back"
    restoreLagMinutes: Float
  }

  "A platform's own actions about a provider over a window (concepts §11)."
  type ActionReport {
    "outages (models over all platforms) that started in the window"
    outages: Int!
    "minutes in which at least one of the provider's models was routed away"
    routedAwayMinutes: Int!
    "those in which every routed-away model was healthy over all platforms"
    routedAwayWhileHealthyMinutes: Int!
    "the lower median of timeToActionMinutes over the outages acted on"
    medianTimeToActionMinutes: Float
    outagesWithoutAction: Int!
    perOutage: [OutageAction!]!
  }

  extend type Query {
    "actions in [from, to), by time (a platform key sees its own platform's)"
    platformActions(from: DateTime!, to: DateTime!, platform: String, provider: String): [PlatformAction!]!
    "one platform's actions about one provider over [from, to), at most 100 days"
    actionReport(from: DateTime!, to: DateTime!, platform: String!, provider: String!): ActionReport!
  }
`;
