import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Database } from '@ledger/database';

const run = promisify(execFile);

/**
 * A text dump of a whole database: `pg_dump` when one of the server's major version (or
 * newer) is on the PATH, otherwise every row of every table outside the system schemas as
 * text, which holds the same data. Says which it used.
 */
export async function dumpDatabase(db: Database, url: string): Promise<{ text: string; via: string }> {
  const server = Number((await sql<{ v: string }>`SELECT current_setting('server_version_num') AS v`.execute(db)).rows[0]!.v);
  try {
    const { stdout: version } = await run('pg_dump', ['--version']);
    const major = Number(/(\d+)\.\d+/.exec(version)?.[1] ?? 0);
    if (major >= Math.floor(server / 10_000)) {
      const { stdout } = await run('pg_dump', ['--no-owner', '--dbname', url], { maxBuffer: 512 * 1024 * 1024 });
      return { text: stdout, via: `pg_dump ${major}` };
    }
  } catch {
    // no pg_dump on the PATH
  }
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2`.execute(db);
  const parts: string[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(`${t.schema}.${t.name}`)} AS t`.execute(db);
    parts.push(`-- ${t.schema}.${t.name}`, ...rows.map((r) => r.row));
  }
  return { text: parts.join('\n'), via: `SQL text of every row of ${tables.length} tables` };
}
