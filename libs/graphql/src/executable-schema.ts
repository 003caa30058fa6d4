import { DateTimeResolver } from 'graphql-scalars';
import { buildASTSchema, concatAST, GraphQLScalarType, GraphQLSchema, Kind, parse, printSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { actionsTypeDefs } from './actions.graphql';
import { alertsTypeDefs } from './alerts.graphql';
import { apiKeyTypeDefs } from './api-key.graphql';
import { claimsTypeDefs } from './claims.graphql';
import { commonTypeDefs } from './common.graphql';
import { providerStatusTypeDefs } from './provider-status.graphql';
import type { Resolvers } from './generated/schema-types';
import { slaTypeDefs } from './sla.graphql';
import { timelineTypeDefs } from './timeline.graphql';
import { vendorTypeDefs } from './vendor.graphql';

/** The root types, which each feature's SDL extends with its fields; declared last so they print last. */
const rootTypeDefs = /* GraphQL */ `
  type Query
  type Mutation
  type Subscription
`;

/**
 * Every feature's SDL as one schema, types in this order and root fields in the order the features
 * extend them. graphql-js applies the extensions itself, and refuses a root field two features both
 * define, which a merge of type definitions would let through when the two agree.
 */
function typeDefinitions(): GraphQLSchema {
  const features = [commonTypeDefs, apiKeyTypeDefs, timelineTypeDefs, slaTypeDefs, claimsTypeDefs, alertsTypeDefs, actionsTypeDefs, providerStatusTypeDefs, vendorTypeDefs, rootTypeDefs];
  return buildASTSchema(concatAST(features.map((sdl) => parse(sdl))));
}

/**
 * RFC 3339 instants. Serialised to strings here rather than left as Dates for JSON.stringify,
 * whose toJSON detour is a measurable share of large answers (hundreds of outages).
 */
const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => (value instanceof Date ? value.toISOString() : DateTimeResolver.serialize(value)),
});

const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, as a string',
  serialize: (value) => String(value),
  parseValue: (value) => parseDecimal(value),
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : null),
});

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) {
    throw new TypeError('Decimal must be a string such as "99.95"');
  }
  return value;
}

/** The schema the service serves: the type definitions, our scalars, and the given resolvers. */
export function buildLedgerSchema(resolvers: Resolvers[]): GraphQLSchema {
  return createSchema({ typeDefs: typeDefinitions(), resolvers: [{ DateTime: DateTimeScalar, Decimal: DecimalScalar }, ...resolvers] });
}

/** The served schema as SDL (graphql-js printSchema): what `docs/schema.graphql` holds. */
export function printLedgerSchema(): string {
  return printSchema(buildLedgerSchema([]));
}
