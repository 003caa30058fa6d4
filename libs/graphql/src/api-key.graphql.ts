/** The viewer and API keys: ApiKeyResolver's part of the GraphQL schema. */
export const apiKeyTypeDefs = /* GraphQL */ `
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

  "A key's own name for a provider in OpenTelemetry spans (POST /v1/traces): a span whose gen_ai.provider.name (or gen_ai.system) is source is recorded as provider."
  type OtlpProviderAlias {
    source: String!
    provider: String!
  }

  input OtlpProviderAliasInput {
    source: String!
    provider: String!
  }

  "The key making this request."
  type Viewer {
    keyId: ID!
    platform: String
    scopes: [Scope!]!
  }

  extend type Query {
    viewer: Viewer!
    "Every key, active and revoked (admin)."
    apiKeys: [ApiKey!]!
    "A key's OTLP provider aliases (admin)."
    otlpProviderAliases(keyId: ID!): [OtlpProviderAlias!]!
  }

  extend type Mutation {
    createApiKey(platform: String, scopes: [Scope!]!, name: String): CreatedApiKey!
    "Revokes a key at once; false when it is unknown or already revoked."
    revokeApiKey(id: ID!): Boolean!
    "Replaces a key's OTLP provider aliases (at most 100); an empty list removes them."
    setOtlpProviderAliases(keyId: ID!, aliases: [OtlpProviderAliasInput!]!): [OtlpProviderAlias!]!
  }
`;
