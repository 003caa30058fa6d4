/** Provider status pages (concepts §12): what providers published, held against what was measured. */
export const providerStatusTypeDefs = /* GraphQL */ `
  "The impact a status-page incident claims (Statuspage's impact)."
  enum IncidentImpact {
    NONE
    MINOR
    MAJOR
    CRITICAL
    MAINTENANCE
  }

  "One update the provider posted on an incident."
  type IncidentUpdate {
    status: String!
    body: String!
    createdAt: DateTime!
  }

  "A provider's status-page incident, its latest version (POST /v1/provider-incidents or the poller)."
  type ProviderIncident {
    provider: String!
    "the id on the provider's status page"
    incidentId: ID!
    name: String!
    "investigating, identified, monitoring, resolved, postmortem, … as the page says"
    status: String!
    impact: IncidentImpact!
    createdAt: DateTime!
    "null while unresolved"
    resolvedAt: DateTime
    "the status-page components it names"
    components: [String!]!
    "the models those components cover (setStatusComponents; a component without a mapping covers every model with traffic in the window)"
    models: [String!]!
    "1 for the first import; each import that changes the incident adds one"
    version: Int!
    updates: [IncidentUpdate!]!
  }

  "An outage (a model over all platforms) that started in the window, and the incidents that acknowledge it."
  type OutageAcknowledgement {
    model: String!
    start: DateTime!
    "null while it lasts"
    end: DateTime
    "ids of the incidents covering its model and open during [start, end + 15 min)"
    acknowledgedBy: [ID!]!
  }

  "An incident created in the window, held against the outages."
  type IncidentAccuracy {
    incidentId: ID!
    name: String!
    impact: IncidentImpact!
    createdAt: DateTime!
    resolvedAt: DateTime
    "outages it acknowledges"
    acknowledges: Int!
    "its createdAt minus the start of the earliest outage it acknowledges, one decimal (negative when the provider posted first); null when it acknowledges none"
    acknowledgementDelayMinutes: Float
    "whether it acknowledges an outage or a model it covers had a bad minute (degraded or worse, enough samples, over all platforms) while it was open; true for impact NONE"
    measuredImpact: Boolean!
  }

  "A provider's status page held against measurement over a window (concepts §12)."
  type StatusPageAccuracy {
    provider: String!
    "the least severe outage counted"
    minSeverity: Status!
    "outages (per model, over all platforms) that started in the window"
    outages: Int!
    acknowledgedOutages: Int!
    "the total duration of the outages no incident acknowledged"
    unacknowledgedOutageMinutes: Int!
    "the lower median of acknowledgementDelayMinutes over incidents that acknowledge an outage"
    medianAcknowledgementDelayMinutes: Float
    "incidents (impact other than NONE) that acknowledge no outage and during which no covered model had a bad minute"
    incidentsWithoutMeasuredImpact: Int!
    "incidents created in the window"
    incidents: Int!
    perOutage: [OutageAcknowledgement!]!
    perIncident: [IncidentAccuracy!]!
  }

  "Which models a status-page component covers."
  type ComponentMapping {
    provider: String!
    component: String!
    models: [String!]!
  }

  input ComponentMappingInput {
    "the component's name as the status page writes it"
    component: String!
    "the models it covers (an empty list: none)"
    models: [String!]!
  }

  extend type Query {
    "incidents created in [from, to), the latest version of each, at most 400 days"
    providerIncidents(from: DateTime!, to: DateTime!, provider: String): [ProviderIncident!]!
    "a provider's status page against measurement over [from, to), at most 400 days; minSeverity leaves out lesser outages (default DEGRADED: every outage)"
    statusPageAccuracy(from: DateTime!, to: DateTime!, provider: String!, minSeverity: Status = DEGRADED): StatusPageAccuracy!
    "a provider's component mapping (empty: every component covers every model)"
    statusComponents(provider: String!): [ComponentMapping!]!
  }

  extend type Mutation {
    "replaces a provider's component mapping (admin); an empty list restores the default"
    setStatusComponents(provider: String!, components: [ComponentMappingInput!]!): [ComponentMapping!]!
  }
`;
