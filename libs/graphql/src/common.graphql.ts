/** The GraphQL types every feature uses: the scalars, money and key scopes (api.md § GraphQL). */
export const commonTypeDefs = /* GraphQL */ `
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
`;
