/** Alerts (concepts §10): rules, the alerts evaluated from the rollups, and their webhook deliveries. */
export const alertsTypeDefs = /* GraphQL */ `
  enum AlertKind {
    MODEL_STATUS
    BURN_RATE
  }

  enum AlertState {
    FIRING
    RESOLVED
  }

  "How urgent: PAGE wakes someone, TICKET is for working hours. MODEL_STATUS alerts are PAGEs."
  enum AlertSeverity {
    PAGE
    TICKET
  }

  "JSON: the ledger's webhook body (docs/alerts.md); SLACK: a Slack incoming-webhook message."
  enum WebhookFormat {
    JSON
    SLACK
  }

  enum DeliveryState {
    PENDING
    DELIVERED
    FAILED
  }

  enum DeliveryTransition {
    FIRING
    ESCALATED
    RESOLVED
  }

  input AlertRuleInput {
    name: String!
    kind: AlertKind!
    "MODEL_STATUS: the provider watched"
    provider: String
    "MODEL_STATUS: one model; omitted, each of the provider's models (one alert per model)"
    model: String
    "MODEL_STATUS: one platform's traffic; omitted, every platform's"
    platform: String
    "BURN_RATE: the contract whose error budget burns"
    contractId: ID
    "MODEL_STATUS: DEGRADED, PARTIAL_OUTAGE (default) or MAJOR_OUTAGE; BURN_RATE: TICKET (default: every condition) or PAGE (the fast ones only)"
    minSeverity: String
    "MODEL_STATUS: minutes in a row to fire and to resolve (default 3)"
    forMinutes: Int
    "where the signed webhooks go (http or https; not a private or metadata address unless the operator allows private ones)"
    webhookUrl: String!
    format: WebhookFormat
    "default true; a disabled rule is not evaluated and has no alerts"
    enabled: Boolean
  }

  type AlertRule {
    id: ID!
    name: String!
    kind: AlertKind!
    provider: String
    model: String
    platform: String
    contractId: ID
    minSeverity: String!
    forMinutes: Int!
    webhookUrl: String!
    format: WebhookFormat!
    enabled: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  "A rule just created, with the secret its webhooks are signed with: shown this once, never again."
  type CreatedAlertRule {
    rule: AlertRule!
    secret: String!
  }

  "One attempt to deliver a transition."
  type DeliveryAttempt {
    attempt: Int!
    at: DateTime!
    "what the receiver answered; null when it did not (no connection, no answer in 10 s)"
    statusCode: Int
    error: String
    durationMs: Int!
    "the worker process that made it (host:pid)"
    sentBy: String!
  }

  "The delivery of one transition of an alert: the same id (X-Ledger-Delivery) on every attempt."
  type AlertDelivery {
    id: ID!
    transition: DeliveryTransition!
    "attempts made so far"
    attempt: Int!
    "the last attempt's time; before any, when it was written"
    at: DateTime!
    statusCode: Int
    error: String
    state: DeliveryState!
    "when the next attempt is due (PENDING)"
    nextAttemptAt: DateTime
    attempts: [DeliveryAttempt!]!
  }

  "One episode of one rule: FIRING, then RESOLVED. A BURN_RATE TICKET may become a PAGE within it."
  type Alert {
    id: ID!
    rule: AlertRule!
    state: AlertState!
    severity: AlertSeverity!
    "MODEL_STATUS: the model"
    model: String
    "the first minute of the run that fired it"
    startedAt: DateTime!
    "the first minute after it that no longer held it"
    resolvedAt: DateTime
    summary: String!
    deliveries: [AlertDelivery!]!
  }

  extend type Query {
    "every alert rule (admin)"
    alertRules: [AlertRule!]!
    "alerts open at some time in [from, to), by start (admin)"
    alerts(from: DateTime!, to: DateTime!, state: AlertState, ruleId: ID): [Alert!]!
  }

  extend type Mutation {
    createAlertRule(input: AlertRuleInput!): CreatedAlertRule!
    "new settings; the secret stays. A change of what it watches derives its alerts again"
    updateAlertRule(id: ID!, input: AlertRuleInput!): AlertRule!
    "an alert of it still firing is withdrawn: receivers get a RESOLVED marked withdrawn"
    deleteAlertRule(id: ID!): Boolean!
  }
`;
