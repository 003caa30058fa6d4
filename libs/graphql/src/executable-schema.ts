import { DateTimeResolver } from 'graphql-scalars';
import { GraphQLScalarType, GraphQLSchema, Kind, printSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { typeDefs } from './schema.graphql';

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

/** One resolver map, as graphql-yoga's createSchema takes them. */
type ResolverMap = Extract<NonNullable<Parameters<typeof createSchema>[0]['resolvers']>, readonly unknown[]>[number];

/** The schema the service serves: the type definitions, our scalars, and the given resolvers. */
export function buildLedgerSchema(resolvers: ResolverMap[]): GraphQLSchema {
  return createSchema({ typeDefs, resolvers: [{ DateTime: DateTimeScalar, Decimal: DecimalScalar }, ...resolvers] });
}

/** The served schema as SDL (graphql-js printSchema): what `docs/schema.graphql` holds. */
export function printLedgerSchema(): string {
  return printSchema(buildLedgerSchema([]));
}
