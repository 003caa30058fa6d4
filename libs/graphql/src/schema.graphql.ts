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

  type Query {
    viewer: Viewer!
    "Every key, active and revoked (admin)."
    apiKeys: [ApiKey!]!
  }

  type Mutation {
    createApiKey(platform: String, scopes: [Scope!]!, name: String): CreatedApiKey!
    "Revokes a key at once; false when it is unknown or already revoked."
    revokeApiKey(id: ID!): Boolean!
  }
`;
