import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@ledger/config';
import { startService, RunningService } from '@ledger/runtime';
import { createTestDatabase } from './test-database';
import { waitFor } from './wait';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

export interface TestService extends RunningService {
  client: LedgerClient;
}

/**
 * The real service, in this process, listening on port 0 (a free port the kernel picks), over a
 * fresh database. It runs the TypeScript sources, so ingest bodies are parsed on the event loop
 * (INGEST_THREADS=0: the thread needs the built script); `startBuiltService` runs the thread.
 */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const databaseUrl = env.DATABASE_URL ?? (await createTestDatabase());
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN_KEY, DB_POOL_SIZE: '5', INGEST_THREADS: '0', ...env, DATABASE_URL: databaseUrl,
  });
  const service = await startService(config, pino({ level: 'silent' }));
  return { ...service, client: new LedgerClient(service.url) };
}

export interface BuiltService {
  process: ChildProcess;
  url: string;
  client: LedgerClient;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** How long a service process may take to listen: generous, for a busy 2-core machine. */
export const START_TIMEOUT_MS = 120_000;

/**
 * The built service (`npm run build`) as a child process listening on port 0 (the kernel picks
 * a free port; the process reports its URL), for tests that kill or restart it. Resolves once
 * it listens; rejects with its output if it exits first or does not listen within
 * `START_TIMEOUT_MS`.
 */
export async function startBuiltService(env: Record<string, string>): Promise<BuiltService> {
  const main = join(__dirname, '../../dist/apps/api/src/main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
        if (match) resolve(match[1]!);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then((code) => reject(new Error(`service exited (${code}) before listening:\n${output}`)));
      timer = setTimeout(() => reject(new Error(`service did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    });
    return { process: child, url, client: new LedgerClient(url), exited };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `/readyz` answers 200 (the service listens and reaches its database). */
export async function waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
  let last = 'no answer yet';
  await waitFor(
    async () => {
      try {
        const response = await fetch(`${url}/readyz`);
        last = `last answer ${response.status}: ${await response.text()}`;
        return response.status === 200;
      } catch (error) {
        last = `not listening: ${(error as Error).message}`;
        return false;
      }
    },
    { what: `${url}/readyz to answer 200`, timeoutMs, intervalMs: 100, detail: () => last },
  );
}

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; id: string | null; errors: string[] }[];
}

/** A thin HTTP client for the public API, as a platform would use it. */
export class LedgerClient {
  constructor(readonly url: string) {}

  async postEvents(key: string | null, events: unknown[]): Promise<{ status: number; body: IngestResponse }> {
    return this.postRaw(key, 'application/json', JSON.stringify({ events }));
  }

  async postRaw(key: string | null, contentType: string, body: string): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`${this.url}/v1/events`, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  }

  async graphql(key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`${this.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { status: response.status, body: await response.json() };
  }

  /** Creates a key through the admin mutation and returns its bearer token and id. */
  async createKey(platform: string | null, scopes: string[], adminKey = ADMIN_KEY): Promise<{ id: string; secret: string }> {
    const { body } = await this.graphql(
      adminKey,
      'mutation($platform: String, $scopes: [Scope!]!) { createApiKey(platform: $platform, scopes: $scopes) { id secret } }',
      { platform, scopes },
    );
    if (!body.data) throw new Error(`createApiKey failed: ${JSON.stringify(body.errors)}`);
    return body.data.createApiKey;
  }
}

/** Waits until every projection has folded the whole log (as `projections` reports it). */
export async function waitForProjections(client: LedgerClient, timeoutMs = 60_000): Promise<void> {
  let last = 'no answer yet';
  await waitFor(
    async () => {
      const { status, body } = await client.graphql(ADMIN_KEY, '{ projections { name lagEvents caughtUp } }');
      last = `last answer ${status}: ${JSON.stringify(body.data ?? body.errors)}`;
      const projections = body.data?.projections as { caughtUp: boolean }[] | undefined;
      return projections !== undefined && projections.every((p) => p.caughtUp);
    },
    { what: 'every projection to catch up with the log', timeoutMs, intervalMs: 100, detail: () => last },
  );
}
