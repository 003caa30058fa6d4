import { buildSchema, GraphQLObjectType } from 'graphql';
import { printLedgerSchema } from './executable-schema';

/** Fields whose names say everything, per type (a credit line repeats its report's figures). */
const SELF_EVIDENT: Record<string, string[]> = {
  SlaReport: ['contract', 'evidence'],
  Statement: [],
  CreditLine: ['contract', 'platform', 'provider', 'uptimePercent', 'creditPercent', 'creditAmount', 'claimDeadline'],
};

describe('the schema a finance analyst reads in GraphiQL', () => {
  const schema = buildSchema(printLedgerSchema());

  it.each(Object.keys(SELF_EVIDENT))('describes every field of %s whose name does not say it all', (name) => {
    const fields = Object.values((schema.getType(name) as GraphQLObjectType).getFields());
    expect(fields.filter((f) => !f.description && !SELF_EVIDENT[name]!.includes(f.name)).map((f) => f.name)).toEqual([]);
  });

  it('says budgetBurn is a ratio, not a percentage', () => {
    const field = (schema.getType('SlaReport') as GraphQLObjectType).getFields().budgetBurn!;
    expect(field.description).toMatch(/a ratio, not a percentage/);
  });
});
