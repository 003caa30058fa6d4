/** Claims (concepts §9): a provider's credit, asked for, filed and resolved. */
export const claimsTypeDefs = /* GraphQL */ `
  "DRAFT → FILED → ACCEPTED | PARTIALLY_ACCEPTED | DENIED; DRAFT or FILED → WITHDRAWN; a DRAFT past its deadline is EXPIRED"
  enum ClaimStatus {
    DRAFT
    FILED
    ACCEPTED
    PARTIALLY_ACCEPTED
    DENIED
    WITHDRAWN
    EXPIRED
  }

  enum ClaimOutcome {
    ACCEPTED
    PARTIALLY_ACCEPTED
    DENIED
  }

  "One step of a claim's history."
  type ClaimTransition {
    status: ClaimStatus!
    at: DateTime!
    "the id of the key that took the step; null for the scheduler"
    actor: String
    note: String
  }

  "A claim for the credit of one contract and one ended month, pinned to the statement it was opened from."
  type Claim {
    id: ID!
    contract: Contract!
    "the month, YYYY-MM"
    period: String!
    status: ClaimStatus!
    statementVersion: Int!
    "the statement's credit when the claim was opened"
    claimedAmount: Money!
    "set when resolved: the claimed amount (ACCEPTED), less (PARTIALLY_ACCEPTED) or 0 (DENIED)"
    creditedAmount: Money
    "filing at or after it is refused; a draft expires at it"
    claimDeadline: DateTime!
    filedAt: DateTime
    "the provider's ticket or case number"
    reference: String
    resolvedAt: DateTime
    "the contract's events in the evidence runs' minutes when the claim was opened"
    evidenceEvents: Int!
    "lower-case hex SHA-256 of those events (docs/concepts.md § Claims: how to recompute it)"
    evidenceDigest: String!
    history: [ClaimTransition!]!
  }

  "Claims of one provider in one currency."
  type ClaimTotals {
    provider: String!
    currency: String!
    "claimed amounts of the claims filed (FILED or resolved)"
    claimed: Decimal!
    "credited amounts of the resolved claims"
    credited: Decimal!
    "claimed amounts of the FILED claims, not answered yet"
    outstanding: Decimal!
    "credited ÷ claimed over the resolved claims, 4 decimals; null before any is resolved"
    recoveryRate: Decimal
  }

  extend type Query {
    "claims by deadline, the most urgent first (a platform key sees its own platform's)"
    claims(status: ClaimStatus, provider: String, platform: String, dueBefore: DateTime): [Claim!]!
    claim(id: ID!): Claim
    "per provider and currency"
    claimSummary(provider: String): [ClaimTotals!]!
  }

  extend type Mutation {
    "opens a DRAFT from the period's latest statement, which must show a credit"
    openClaim(contractId: ID!, period: String!): Claim!
    "DRAFT → FILED, before the claim deadline"
    fileClaim(id: ID!, reference: String, note: String): Claim!
    "FILED → the provider's answer, with the amount it credited"
    resolveClaim(id: ID!, outcome: ClaimOutcome!, creditedAmount: Decimal!, note: String): Claim!
    "DRAFT or FILED → WITHDRAWN"
    withdrawClaim(id: ID!, note: String): Claim!
  }
`;
