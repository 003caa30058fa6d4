import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@ledger/config';
import { startService, RunningService } from '@ledger/runtime';
import { createTestDatabase } from './test-database';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

export interface TestService extends RunningService {
  client: LedgerClient;
}

/** The real service, in this process, on a random port, over a fresh database. */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const databaseUrl = env.DATABASE_URL ?? (await createTestDatabase());
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN_KEY, DB_POOL_SIZE: '5', ...env, DATABASE_URL: databaseUrl });
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

/**
 * The built service (`npm run build`) as a child process on a random port, for tests that
 * kill or restart it. Resolves once it listens.
 */
export async function startBuiltService(env: Record<string, string>): Promise<BuiltService> {
  const main = join(__dirname, '../../dist/apps/api/src/main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`service exited (${code}) before listening:\n${output}`)));
  });
  return { process: child, url, client: new LedgerClient(url), exited };
}

export async function waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
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
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await client.graphql(ADMIN_KEY, '{ projections { caughtUp } }');
    if (body.data.projections.every((p: { caughtUp: boolean }) => p.caughtUp)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`projections did not catch up within ${timeoutMs} ms`);
}
