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
  }

  extend type Mutation {
    createApiKey(platform: String, scopes: [Scope!]!, name: String): CreatedApiKey!
    "Revokes a key at once; false when it is unknown or already revoked."
    revokeApiKey(id: ID!): Boolean!
  }
`;
