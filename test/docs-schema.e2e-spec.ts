import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { graphqlSchemaDocument } from '../apps/cli/src/print-schema';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

// docs/schema.graphql is the GraphQL schema as the service serves it, checked in for readers.
// It is generated (`npm run docs:schema`); this spec fails when the code has moved on.
const SCHEMA_FILE = join(__dirname, '..', 'docs', 'schema.graphql');

/** The first line where two texts differ (1-based), with both versions of it; null when equal. */
function firstDifference(expected: string, actual: string): string | null {
  if (expected === actual) return null;
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `line ${i + 1}: the code prints ${JSON.stringify(a[i] ?? '(end of file)')}, the file has ${JSON.stringify(b[i] ?? '(end of file)')}`;
}

function checkedIn(): string {
  try {
    return readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    throw new Error('docs/schema.graphql is missing: run npm run docs:schema');
  }
}

describe('docs/schema.graphql', () => {
  let service: TestService;
  beforeAll(async () => (service = await startTestService()));
  afterAll(() => service.close());

  it('is what `npm run docs:schema` prints', () => {
    const difference = firstDifference(graphqlSchemaDocument(), checkedIn());
    if (difference !== null) throw new Error(`docs/schema.graphql is stale: run npm run docs:schema (${difference})`);
  });

  it('is the schema the running service answers introspection with', async () => {
    const { status, body } = await service.client.graphql(ADMIN_KEY, getIntrospectionQuery({ specifiedByUrl: true }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const served = printSchema(buildClientSchema(body.data));
    const file = checkedIn().replace(/^(#.*\n)+\n/, ''); // without the generated header
    const difference = firstDifference(`${served}\n`, file);
    if (difference !== null) throw new Error(`docs/schema.graphql differs from the served schema: run npm run docs:schema (${difference})`);
  });
});
