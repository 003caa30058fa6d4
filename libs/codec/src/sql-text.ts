import { createQueryId, PostgresQueryCompiler, RawBuilder } from 'kysely';

const compiler = new PostgresQueryCompiler();

/**
 * A fragment without parameters as SQL text, for statements that take none (COPY). The
 * fragments of this lib carry their constants as literals, so they compile to text as they are.
 */
export function sqlText(fragment: RawBuilder<unknown>): string {
  const compiled = compiler.compileQuery(fragment.toOperationNode(), createQueryId());
  if (compiled.parameters.length > 0) throw new Error(`the SQL has ${compiled.parameters.length} parameter(s); it cannot be used as text: ${compiled.sql}`);
  return compiled.sql;
}
