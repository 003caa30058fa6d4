import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Controller, Delete, ForbiddenException, Get, HttpCode, Inject, Post, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { escape } from 'html-escaper';
import { hasScope } from '@ledger/domain';
import { AlertQueries } from '@ledger/alerts';
import { ApiKeyService, RateLimiter } from '@ledger/auth';
import { LiveStatusFeed } from '@ledger/projections';
import { comparePage } from './render/compare.page';
import { loginPage, page } from './render/layout';
import { overviewPage } from './render/overview.page';
import { SESSION_COOKIE, SESSION_PATHS, STATUS_PAGE_MODE, StatusPageMode } from './status-access';
import { StatusPageService } from './status-page.service';
import { DAY_MS } from './overview';

const MAX_COMPARE_DAYS = 400;
const DEFAULT_COMPARE_DAYS = 30;
/** The live page describes "now" to this granularity, so that concurrent viewers share one computation. */
const LIVE_GRANULARITY_MS = 15_000;
/** How often the live stream says it is still there when nothing changes (the page shows when it last heard). */
const HEARTBEAT_MS = 15_000;

/**
 * Who looks at a page: the rate-limit bucket the view takes from, and whose platform actions it
 * may show — a platform key its own platform's, a staff key every platform's (null), a public
 * page none (undefined): a platform's routing decisions are its own business.
 */
interface Viewer {
  bucket: string;
  actionsOf: string | null | undefined;
}

class PageError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** `GET /status` and `GET /status/compare`: server-rendered HTML, the key sign-in for them, and the live page's stream. */
@Controller('status')
export class StatusPageController implements BeforeApplicationShutdown {
  /** The open live streams, ended when the service stops (an open stream would hold the server's close). */
  private readonly streams = new Set<AbortController>();

  constructor(
    @Inject(STATUS_PAGE_MODE) private readonly mode: StatusPageMode,
    private readonly keys: ApiKeyService,
    private readonly limiter: RateLimiter,
    private readonly pages: StatusPageService,
    private readonly feed: LiveStatusFeed,
    private readonly alerts: AlertQueries,
  ) {}

  /**
   * `GET /status/live`: server-sent events for the live page — `status` when a model's live
   * status changes (the feed behind GraphQL's statusChanged), `heartbeat` every 15 s otherwise.
   * Same access as the pages (the session cookie, a bearer key, or none when public).
   */
  @Get('live')
  async live(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const viewer = await this.viewer(request);
    if (viewer === null) {
      reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'This status page needs an API key with the read scope.' });
      return;
    }
    const decision = await this.limiter.take(viewer.bucket, 'query', 1);
    if (!decision.allowed) {
      reply.status(429).header('retry-after', String(decision.retryAfterSeconds)).send({ code: 'RATE_LIMITED', message: `retry in ${decision.retryAfterSeconds} s` });
      return;
    }
    const stop = new AbortController();
    this.streams.add(stop);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    const send = (event: string, data: object) => out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // The response closes when the browser goes away (or the stream ends).
    out.on('close', () => stop.abort());
    const heartbeat = setInterval(() => send('heartbeat', { at: new Date().toISOString() }), HEARTBEAT_MS);
    try {
      send('heartbeat', { at: new Date().toISOString() });
      for await (const status of this.feed.subscribe(undefined, stop.signal)) {
        send('status', { provider: status.provider, model: status.model, status: status.status, at: new Date().toISOString() });
      }
    } finally {
      clearInterval(heartbeat);
      this.streams.delete(stop);
      out.end();
    }
  }

  beforeApplicationShutdown(): void {
    for (const stream of this.streams) stream.abort();
  }

  @Get()
  async overview(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('at') at?: string): Promise<void> {
    await this.respond(request, reply, async (nonce, viewer) => {
      const asOf = at === undefined ? Math.floor(Date.now() / LIVE_GRANULARITY_MS) * LIVE_GRANULARITY_MS : endOfDay(at, 'at');
      // Firing alerts name rules and contracts: shown to signed-in users only, never on a public page, and only live.
      const firing = this.mode === 'key' && at === undefined ? await this.alerts.firing() : null;
      const overview = await this.pages.overview(asOf, { live: at === undefined, actionsOf: viewer.actionsOf });
      return overviewPage(overview, nonce, { historical: at !== undefined, firing });
    });
  }

  @Get('compare')
  async compare(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('from') from?: string, @Query('to') to?: string): Promise<void> {
    await this.respond(request, reply, async (nonce) => {
      const end = to === undefined ? Math.ceil(Date.now() / DAY_MS) * DAY_MS : endOfDay(to, 'to');
      const start = from === undefined ? end - DEFAULT_COMPARE_DAYS * DAY_MS : endOfDay(from, 'from') - DAY_MS;
      if (start >= end) throw new PageError(400, '"from" must be on or before "to".');
      if (end - start > MAX_COMPARE_DAYS * DAY_MS) throw new PageError(400, `The window may span at most ${MAX_COMPARE_DAYS} days.`);
      return comparePage(await this.pages.compare(new Date(start), new Date(end)), nonce);
    });
  }

  /** Signs a browser in: the bearer key is checked, then kept in an HTTP-only cookie. */
  @Post('session')
  @HttpCode(204)
  async signIn(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const result = await this.keys.authenticate(header);
    if (!result.ok) throw new UnauthorizedException('Unknown or revoked key.');
    if (!hasScope(result.principal, 'read')) throw new ForbiddenException('This key lacks the read scope.');
    const token = header!.replace(/^Bearer\s+/i, '');
    reply.header('set-cookie', SESSION_PATHS.map((path) => stringifySetCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path, secure: request.protocol === 'https', maxAge: 12 * 3600 })));
  }

  @Delete('session')
  @HttpCode(204)
  signOut(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.header('set-cookie', SESSION_PATHS.map((path) => stringifySetCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path, maxAge: 0 })));
  }

  private async respond(request: FastifyRequest, reply: FastifyReply, render: (nonce: string, viewer: Viewer) => Promise<string>): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', this.mode === 'public' ? 'public, max-age=15' : 'private, no-store');
    try {
      const viewer = await this.viewer(request);
      if (viewer === null) {
        reply.status(401).send(loginPage(nonce, 'This status page needs an API key with the read scope.'));
        return;
      }
      const decision = await this.limiter.take(viewer.bucket, 'query', 1);
      if (!decision.allowed) {
        reply.header('retry-after', String(decision.retryAfterSeconds));
        throw new PageError(429, `Too many requests; retry in ${decision.retryAfterSeconds} s.`);
      }
      reply.status(200).send(await render(nonce, viewer));
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      const body = `<section class="card" role="alert"><h2>${error.status === 429 ? 'Slow down' : 'That did not work'}</h2><p>${escape(error.message)}</p><p><a href="/status">Back to the status page</a></p></section>`;
      reply.status(error.status).send(page({ title: 'SLA Ledger status', current: null, nonce, body }));
    }
  }

  /** Who is looking; null when a key is needed and none valid came. */
  private async viewer(request: FastifyRequest): Promise<Viewer | null> {
    if (this.mode === 'public') return { bucket: `status-page:${request.ip}`, actionsOf: undefined };
    const cookie = parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE];
    const header = request.headers.authorization ?? (cookie ? `Bearer ${cookie}` : undefined);
    const result = await this.keys.authenticate(header);
    return result.ok && hasScope(result.principal, 'read') ? { bucket: result.principal.keyId, actionsOf: result.principal.platform } : null;
  }
}

/** The end (exclusive) of a UTC day given as YYYY-MM-DD. */
function endOfDay(text: string, name: string): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: 'utc' }) : null;
  if (day === null || !day.isValid) throw new PageError(400, `"${name}" must be a date written YYYY-MM-DD.`);
  return day.toMillis() + DAY_MS;
}
