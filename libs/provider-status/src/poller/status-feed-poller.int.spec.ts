import { createServer, IncomingHttpHeaders, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { Database, DB } from '@ledger/database';
import { openTestDatabase } from '../../../../test/support/int-database';
import { waitFor } from '../../../../test/support/wait';
import { IncidentImportService } from '../incidents/incident-import.service';
import { ProviderIncidentRepository } from '../incidents/provider-incident.repository';
import { FeedPoll, StatusFeedPoller } from './status-feed-poller';
import { ProviderStatusFeedRepository } from './provider-status-feed.repository';

const POLL_SECONDS = 60;
const MINUTE = 60_000;
const BODY_50_MB = 50 * 1024 * 1024;

/** A status page on loopback: each provider's path answers as its test says, and keeps the headers of every request. */
class StatusPageServer {
  private readonly answers = new Map<string, RequestListener>();
  private readonly requests = new Map<string, IncomingHttpHeaders[]>();
  private readonly server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    this.requests.set(path, [...this.requestsTo(path), request.headers]);
    (this.answers.get(path) ?? ((_req, res) => res.writeHead(404).end()))(request, response);
  });
  private base = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(provider: string): string {
    return `${this.base}${this.path(provider)}`;
  }

  answer(provider: string, answer: RequestListener): void {
    this.answers.set(this.path(provider), answer);
  }

  requestsFor(provider: string): IncomingHttpHeaders[] {
    return this.requestsTo(this.path(provider));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private path(provider: string): string {
    return `/${provider}/api/v2/incidents.json`;
  }

  private requestsTo(path: string): IncomingHttpHeaders[] {
    return this.requests.get(path) ?? [];
  }
}

/** Whether a connection to this database is waiting for a lock (asked outside any transaction: pg_stat_activity is read once per transaction). */
async function waitingForALock(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ waiting: boolean }>`
    SELECT exists(SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock') AS waiting`.execute(db);
  return rows[0]!.waiting;
}

const incident = (id: string, status = 'resolved') => ({
  id, name: `Elevated errors on ${id}`, status, impact: 'major', created_at: '2026-11-03T10:00:00Z',
  resolved_at: status === 'resolved' ? '2026-11-03T11:00:00Z' : null, components: [{ name: 'API' }],
  incident_updates: [{ status: 'investigating', body: 'We are looking into it.', created_at: '2026-11-03T10:00:00Z' }],
});
/** The feed as first served: two incidents, one of them still being investigated. */
const FIRST_FEED = { page: { id: 'p1', name: 'Provider' }, incidents: [incident('inc-a'), incident('inc-b', 'investigating')] };
/** The feed once incident b is resolved. */
const CHANGED_FEED = { page: { id: 'p1', name: 'Provider' }, incidents: [incident('inc-a'), incident('inc-b')] };

/** Serves `feed` with `etag`, answering 304 to a request that already has it. */
const serveFeed = (feed: unknown, etag: string): RequestListener => (request, response) => {
  if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag }).end(JSON.stringify(feed));
};

describe('StatusFeedPoller against a local status page', () => {
  let db: Database;
  const statusPage = new StatusPageServer();
  const logged: { level: 'log' | 'warn'; message: string }[] = [];

  beforeAll(async () => {
    db = await openTestDatabase();
    await statusPage.start();
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push({ level: 'log', message: String(message) }));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void logged.push({ level: 'warn', message: String(message) }));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await statusPage.close();
    await db.destroy();
  });

  const pollerOf = (provider: string, timeoutMs = 10_000) =>
    new StatusFeedPoller(db, new ProviderStatusFeedRepository(), new IncidentImportService(db, new ProviderIncidentRepository()), {
      feeds: [{ provider, url: statusPage.url(provider) }], pollSeconds: POLL_SECONDS, timeoutMs,
    });
  const storedVersions = async (provider: string) =>
    Number((await db.selectFrom('provider_incident_versions').select(db.fn.countAll().as('n')).where('provider', '=', provider).executeTakeFirstOrThrow()).n);
  const feedRow = (provider: string) => db.selectFrom('provider_status_feeds').selectAll().where('provider', '=', provider).executeTakeFirstOrThrow();
  const logsAbout = (provider: string) => logged.filter((l) => l.message.startsWith(`${provider}: `));
  const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

  /** A poller of `provider` whose first poll, at `start`, imported FIRST_FEED (two incidents) with ETag "v1". */
  async function importedOnce(provider: string, start: Date, timeoutMs?: number): Promise<StatusFeedPoller> {
    statusPage.answer(provider, serveFeed(FIRST_FEED, '"v1"'));
    const poller = pollerOf(provider, timeoutMs);
    expect(await poller.pollDue(start)).toEqual([
      { provider, url: statusPage.url(provider), outcome: 'imported', result: { imported: 2, updated: 0, unchanged: 0 } },
    ]);
    expect(await storedVersions(provider)).toBe(2);
    return poller;
  }

  it('imports a feed, asks again with its ETag, and stores only what changed', async () => {
    const provider = 'feed-cycle';
    const start = new Date();
    const poller = await importedOnce(provider, start);
    expect(statusPage.requestsFor(provider)[0]).toMatchObject({ accept: 'application/json' });
    expect(statusPage.requestsFor(provider)[0]!['if-none-match']).toBeUndefined();
    expect(await feedRow(provider)).toMatchObject({
      etag: '"v1"', last_success_at: start, last_polled_at: start, next_poll_at: at(start, POLL_SECONDS * 1000), consecutive_failures: 0, last_error: null,
    });
    expect(logsAbout(provider)).toEqual([{ level: 'log', message: `${provider}: imported ${statusPage.url(provider)}: 2 new, 0 updated, 0 unchanged incidents` }]);

    // Not due yet: no request.
    expect(await poller.pollDue(at(start, POLL_SECONDS * 1000 - 1))).toEqual([]);
    expect(statusPage.requestsFor(provider)).toHaveLength(1);

    // Due: the same answer, asked for with its ETag, is a 304.
    const second = at(start, POLL_SECONDS * 1000);
    expect(await poller.pollDue(second)).toEqual([{ provider, url: statusPage.url(provider), outcome: 'not-modified' }]);
    expect(statusPage.requestsFor(provider)[1]!['if-none-match']).toBe('"v1"');
    expect(await storedVersions(provider)).toBe(2);
    expect(await feedRow(provider)).toMatchObject({ etag: '"v1"', last_success_at: second, next_poll_at: at(second, POLL_SECONDS * 1000) });

    // Incident b resolved: one new version.
    statusPage.answer(provider, serveFeed(CHANGED_FEED, '"v2"'));
    const third = at(second, POLL_SECONDS * 1000);
    expect(await poller.pollDue(third)).toMatchObject([{ outcome: 'imported', result: { imported: 0, updated: 1, unchanged: 1 } }]);
    expect(await storedVersions(provider)).toBe(3);
    expect((await feedRow(provider)).etag).toBe('"v2"');
    // One line per import that changed something; none for the 304.
    expect(logsAbout(provider).map((l) => l.message)).toEqual([
      `${provider}: imported ${statusPage.url(provider)}: 2 new, 0 updated, 0 unchanged incidents`,
      `${provider}: imported ${statusPage.url(provider)}: 0 new, 1 updated, 1 unchanged incidents`,
    ]);
  });

  /**
   * Breaks the feed of `provider` with `bad` for two polls — each stores nothing, counts a
   * failure, says why, and backs off (one poll interval, then two) — then serves CHANGED_FEED:
   * the next due poll imports it and the failures are forgotten.
   */
  async function survivesTwoBadAnswers(provider: string, bad: RequestListener, reason: RegExp, timeoutMs?: number): Promise<void> {
    const start = new Date();
    const poller = await importedOnce(provider, start, timeoutMs);
    const url = statusPage.url(provider);
    statusPage.answer(provider, bad);

    let pollAt = at(start, POLL_SECONDS * 1000);
    for (const [failures, backoffSeconds] of [[1, POLL_SECONDS], [2, 2 * POLL_SECONDS]] as const) {
      const [poll] = await poller.pollDue(pollAt) as [FeedPoll & { outcome: 'failed' }];
      expect(poll).toMatchObject({ provider, outcome: 'failed', reason: expect.stringMatching(reason), consecutiveFailures: failures, retryAt: at(pollAt, backoffSeconds * 1000) });
      expect(await storedVersions(provider)).toBe(2);
      expect(await feedRow(provider)).toMatchObject({
        etag: '"v1"', consecutive_failures: failures, last_error: poll.reason, last_success_at: start, next_poll_at: at(pollAt, backoffSeconds * 1000),
      });
      expect(logsAbout(provider).at(-1)).toEqual({
        level: 'warn', message: `${provider}: polling ${url} failed (${failures} in a row): ${poll.reason}; next try at ${at(pollAt, backoffSeconds * 1000).toISOString()}`,
      });
      // Backed off: not polled again before then.
      expect(await poller.pollDue(at(pollAt, backoffSeconds * 1000 - 1))).toEqual([]);
      pollAt = at(pollAt, backoffSeconds * 1000);
    }
    expect(statusPage.requestsFor(provider)).toHaveLength(3);

    statusPage.answer(provider, serveFeed(CHANGED_FEED, '"v2"'));
    expect(await poller.pollDue(pollAt)).toMatchObject([{ outcome: 'imported', result: { imported: 0, updated: 1, unchanged: 1 } }]);
    expect(statusPage.requestsFor(provider)[3]!['if-none-match']).toBe('"v1"');
    expect(await storedVersions(provider)).toBe(3);
    expect(await feedRow(provider)).toMatchObject({
      etag: '"v2"', consecutive_failures: 0, last_error: null, last_success_at: pollAt, next_poll_at: at(pollAt, POLL_SECONDS * 1000),
    });
    expect(logsAbout(provider).at(-1)).toEqual({ level: 'log', message: `${provider}: ${url} answers again after 2 failed polls` });
  }

  const json = (status: number, body: string): RequestListener => (_request, response) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);

  it('survives a status page that does not answer in time', async () => {
    const hanging: ServerResponse[] = [];
    await survivesTwoBadAnswers('bad-timeout', (_request, response) => void hanging.push(response), /^no complete answer within 1 s$/, 1_000);
    expect(hanging).toHaveLength(2);
  });

  it.each([
    // Each bad answer carries the changed feed where it can, so that a refusal is seen to store nothing.
    ['answers 500', json(500, JSON.stringify(CHANGED_FEED)), /^answered 500 Internal Server Error$/],
    ['answers an HTML page with 200', (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>Status</body></html>'), /^answered text\/html, not JSON$/],
    ['answers malformed JSON', json(200, JSON.stringify(CHANGED_FEED).slice(0, -10)), /^the body is not JSON: /],
    ['answers JSON that is not a Statuspage feed', json(200, JSON.stringify({ incidents: [incident('inc-a'), { ...incident('inc-b'), created_at: 'yesterday' }] })),
      /^not a Statuspage incidents\.json: incidents\[1\]\.created_at: created_at must be an RFC 3339 timestamp/],
  ] satisfies [string, RequestListener, RegExp][])('survives a status page that %s', async (what, bad, reason) => {
    await survivesTwoBadAnswers(`bad-${what.replace(/[^a-z0-9]+/g, '-')}`, bad, reason);
  });

  it('survives a status page that answers 50 MB, reading no further than the 10 MiB limit', async () => {
    const streams: Promise<{ written: number; finished: boolean }>[] = [];
    const huge: RequestListener = (_request, response) => {
      // Chunked (no Content-Length): only the reading can tell it is too large.
      response.writeHead(200, { 'content-type': 'application/json' });
      streams.push(new Promise((resolve) => {
        const chunk = Buffer.alloc(64 * 1024, ' ');
        let written = 0;
        response.on('close', () => resolve({ written, finished: response.writableFinished }));
        const write = (): void => {
          while (written < BODY_50_MB && !response.destroyed) {
            written += chunk.length;
            if (!response.write(written === chunk.length ? Buffer.concat([Buffer.from('{"incidents":['), chunk]) : chunk)) return void response.once('drain', write);
          }
          if (!response.destroyed) response.end(']}');
        };
        write();
      }));
    };
    await survivesTwoBadAnswers('bad-huge', huge, /^the body passed the 10 MiB limit: abandoned$/);
    // The poller hung up long before the server had written it all.
    for (const { written, finished } of await Promise.all(streams)) {
      expect(finished).toBe(false);
      expect(written).toBeLessThan(BODY_50_MB / 2);
    }
  });

  it('polls a feed once when two workers look for due feeds at the same moment', async () => {
    const provider = 'two-workers';
    statusPage.answer(provider, serveFeed(FIRST_FEED, '"v1"'));
    const now = new Date();
    const polls = (await Promise.all([pollerOf(provider).pollDue(now), pollerOf(provider).pollDue(now)])).flat();
    expect(polls).toMatchObject([{ provider, outcome: 'imported', result: { imported: 2 } }]);
    expect(statusPage.requestsFor(provider)).toHaveLength(1);
    expect(await storedVersions(provider)).toBe(2);
  });

  it('claims a feed for one worker while another is claiming it', async () => {
    const provider = 'mid-claim';
    const feeds = new ProviderStatusFeedRepository();
    const now = new Date();
    await feeds.upsert(db, [{ provider, url: statusPage.url(provider) }], now);
    let other: Promise<unknown[]> | undefined;
    const first = await db.transaction().execute(async (trx) => {
      const claimed = await feeds.claimDue(trx, [provider], now, MINUTE);
      // The row stays locked until this transaction commits: the other worker's claim must skip it,
      // not wait for the commit and claim it after. Commit only once that claim is done or waiting.
      let settled = false;
      other = feeds.claimDue(db, [provider], now, MINUTE).finally(() => (settled = true));
      await waitFor(async () => settled || await waitingForALock(db), { what: 'the other claim to finish or wait for the lock' });
      return claimed;
    });
    expect(first).toMatchObject([{ provider, nextPollAt: at(now, MINUTE), lastPolledAt: now }]);
    expect(await other).toEqual([]);
    expect(await feeds.claimDue(db, [provider], now, MINUTE)).toEqual([]);
  });

  it('abandons a poll in flight at shutdown, recording nothing against the feed', async () => {
    const provider = 'shutting-down';
    statusPage.answer(provider, () => undefined);
    const poller = pollerOf(provider, 60_000);
    poller.tick();
    await waitFor(() => statusPage.requestsFor(provider).length === 1, { what: 'the poll to reach the status page' });
    await poller.onApplicationShutdown();
    expect(await feedRow(provider)).toMatchObject({ consecutive_failures: 0, last_error: null, last_success_at: null });
    expect(logsAbout(provider)).toEqual([]);
    // Still claimed: another worker polls it once the claim lapses.
    expect((await feedRow(provider)).next_poll_at.getTime()).toBeGreaterThan(Date.now());
  });

  it('starts a feed afresh when its URL changes: no ETag, no failures, due at once', async () => {
    const provider = 'moved';
    const feeds = new ProviderStatusFeedRepository();
    const start = new Date();
    await feeds.upsert(db, [{ provider, url: 'https://old.example/api/v2/incidents.json' }], start);
    await db.updateTable('provider_status_feeds').set({ etag: '"old"', consecutive_failures: 3, last_error: 'answered 500', next_poll_at: at(start, 3_600_000) })
      .where('provider', '=', provider).execute();

    // The same URL again changes nothing.
    await feeds.upsert(db, [{ provider, url: 'https://old.example/api/v2/incidents.json' }], at(start, MINUTE));
    expect(await feedRow(provider)).toMatchObject({ etag: '"old"', consecutive_failures: 3, next_poll_at: at(start, 3_600_000) });

    await feeds.upsert(db, [{ provider, url: 'https://new.example/api/v2/incidents.json' }], at(start, MINUTE));
    expect(await feedRow(provider)).toMatchObject({
      url: 'https://new.example/api/v2/incidents.json', etag: null, consecutive_failures: 0, last_error: null, next_poll_at: at(start, MINUTE),
    });
  });
});
