import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Database } from '@ledger/database';

const run = promisify(execFile);

/** What execFile's promise rejects with: the error, with the child's output and exit. */
interface ExecError extends Error {
  code?: number | string;
  signal?: string | null;
  stderr?: string;
}

/** An Error that says what failed, how, and what the command printed on stderr. */
function commandFailed(command: string, error: unknown): Error {
  const { code, signal, stderr, message } = error as ExecError;
  const how = signal ? `killed by ${signal}` : typeof code === 'number' ? `exit code ${code}` : `${code ?? message}`;
  // Not execFile's message when the command ran: it repeats the arguments, the database URL among them.
  const printed = stderr?.trim() || (typeof code === 'number' || signal ? '(nothing on stderr)' : message);
  return new Error(`${command} failed (${how}):\n${printed}`, { cause: error });
}

/** The major version of the `pg_dump` on the PATH, or null when there is none. Throws when it cannot tell. */
async function pgDumpMajor(): Promise<number | null> {
  let version: string;
  try {
    version = (await run('pg_dump', ['--version'])).stdout;
  } catch (error) {
    if ((error as ExecError).code === 'ENOENT') return null; // no pg_dump on the PATH
    throw commandFailed('pg_dump --version', error);
  }
  const match = /\(PostgreSQL\) (\d+)/.exec(version);
  if (!match) throw new Error(`cannot read the version in pg_dump --version's answer: ${JSON.stringify(version)}`);
  return Number(match[1]);
}

/**
 * A text dump of a whole database: `pg_dump` when one of the server's major version (or
 * newer) is on the PATH, otherwise every row of every table outside the system schemas as
 * text, which holds the same data. Says which it used. A `pg_dump` that is used and fails
 * throws, with what it printed on stderr: a dump is never quietly replaced by the fallback.
 */
export async function dumpDatabase(db: Database, url: string): Promise<{ text: string; via: string }> {
  const server = Number((await sql<{ v: string }>`SELECT current_setting('server_version_num') AS v`.execute(db)).rows[0]!.v);
  const major = await pgDumpMajor();
  if (major !== null && major >= Math.floor(server / 10_000)) {
    try {
      const { stdout } = await run('pg_dump', ['--no-owner', '--dbname', url], { maxBuffer: 512 * 1024 * 1024 });
      return { text: stdout, via: `pg_dump ${major}` };
    } catch (error) {
      throw commandFailed(`pg_dump ${major} --no-owner`, error);
    }
  }
  // No pg_dump, or one older than the server (which pg_dump refuses to dump): the rows as text.
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2`.execute(db);
  const parts: string[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(`${t.schema}.${t.name}`)} AS t`.execute(db);
    parts.push(`-- ${t.schema}.${t.name}`, ...rows.map((r) => r.row));
  }
  return { text: parts.join('\n'), via: `SQL text of every row of ${tables.length} tables (pg_dump ${major ?? 'not on the PATH'})` };
}
