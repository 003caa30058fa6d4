import { outcomeEvents } from './support/events';
import { LogReader } from './support/log-reader';
import { createTestDatabase } from './support/test-database';
import { startBuiltService } from './support/test-service';

/** Causes of a failed fetch that mean the server is not there any more: refused, reset, or cut mid-answer. */
const SERVER_GONE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Whether a request failed because the server went away: undici's TypeError ("fetch failed",
 * or "terminated" when the answer's body was cut) whose cause has one of the codes above.
 * Anything else (a body that is not JSON, a malformed HTTP answer, a bug in the test) is not.
 * By name, not instanceof: fetch's errors come from Node's realm, not the test sandbox's.
 */
function isServerGone(error: unknown): boolean {
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (name !== 'TypeError' || (message !== 'fetch failed' && message !== 'terminated')) return false;
  return typeof cause?.code === 'string' && SERVER_GONE_CODES.has(cause.code);
}

// Needs the compiled service: `npm test` builds before running jest.
describe('a service killed in the middle of ingest', () => {
  it('loses no acknowledged event and stores every re-sent event exactly once', async () => {
    const databaseUrl = await createTestDatabase();
    const log = new LogReader(databaseUrl);
    const batches = Array.from({ length: 40 }, (_, b) => outcomeEvents(`crash-${b}`, 2_500));
    const total = batches.length * 2_500;

    const first = await startBuiltService({ DATABASE_URL: databaseUrl });
    const key = (await first.client.createKey('notion', ['INGEST'])).secret;
    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    // Two clients post batches until the server dies under them; a batch is acknowledged only by a 200.
    const client = async () => {
      while (next < batches.length) {
        const b = next++;
        try {
          const { status } = await first.client.postEvents(key, batches[b]!);
          if (status === 200) acknowledged.add(b);
        } catch (error) {
          // Only the server going away, after it was killed, ends a client; any other failure fails the test.
          if (killed && isServerGone(error)) return;
          throw error;
        }
        if (acknowledged.size === 8 && !killed) {
          killed = true;
          first.process.kill('SIGKILL');
        }
      }
    };
    try {
      await Promise.all([client(), client()]);
    } finally {
      if (!killed) first.process.kill('SIGKILL'); // a client failed otherwise: leave no process behind
    }
    await first.exited;
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(8);
    expect(acknowledged.size).toBeLessThan(batches.length);

    // Everything acknowledged is durable before any retry.
    const storedAfterKill = await log.count('notion');
    expect(storedAfterKill).toBeGreaterThanOrEqual(acknowledged.size * 2_500);

    const second = await startBuiltService({ DATABASE_URL: databaseUrl });
    try {
      for (const [b, batch] of batches.entries()) {
        const { status, body } = await second.client.postEvents(key, batch);
        expect(status).toBe(200);
        expect(body.rejected).toEqual([]);
        expect(body.accepted + body.duplicates).toBe(2_500);
        if (acknowledged.has(b)) expect(body.duplicates).toBe(2_500);
      }
      expect(await log.count('notion')).toBe(total);
      expect(await log.distinctIds('notion')).toBe(total);
    } finally {
      second.process.kill('SIGTERM');
      await second.exited;
      await log.close();
    }
  });
});
