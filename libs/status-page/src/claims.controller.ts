import { randomBytes } from 'node:crypto';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { parseCookie } from 'cookie';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLAIM_STATUSES, ClaimListing, ClaimStatus, claimStatus, ForbiddenError, hasScope, InputError, Principal, StatusCount } from '@ledger/domain';
import { ApiKeyService, RateLimiter } from '@ledger/auth';
import { ClaimActor, ClaimPacket, ClaimPacketService, ClaimService, ContractService } from '@ledger/reporting';
import { claimLetterPage } from './render/claim-letter.page';
import { claimsPage } from './render/claims.page';
import { loginPage } from './render/layout';
import { SESSION_COOKIE } from './status-access';

const CSV = 'text/csv; charset=utf-8';
const CSV_OPTIONS = { header: true, record_delimiter: '\r\n' } as const;

class HttpProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const actorOf = (principal: Principal): ClaimActor => ({ keyId: principal.keyId, platform: principal.platform });
const breakdownText = (list: readonly StatusCount[]) => list.map((c) => `${c.httpStatus ?? 'none'} ${c.errorCode ?? ''}`.trim() + ` × ${c.count}`).join('; ');

/**
 * Claims for people and their tools (api.md § Claims): the `/claims` page and each claim's packet,
 * evidence and letter, under `/claims` (the status pages' sign-in cookie, or a bearer key) and
 * under `/v1` (a bearer key). Every route needs the read scope, whatever STATUS_PAGE says — claims
 * are never public — and a platform key sees its own platform's claims only.
 */
@Controller()
export class ClaimsController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: RateLimiter,
    private readonly claims: ClaimService,
    private readonly packets: ClaimPacketService,
    private readonly contracts: ContractService,
  ) {}

  @Get('claims')
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    htmlHeaders(reply, nonce);
    let principal: Principal;
    try {
      principal = await this.caller(request);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      // No key, or one without the read scope: the sign-in form, saying why; too many requests: when to come back.
      const reason = error.status === 401 ? 'The claims page needs an API key with the read scope.' : `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`;
      if (error.status === 429) reply.header('retry-after', '1');
      reply.status(error.status).send(loginPage(nonce, reason, 'SLA credit claims'));
      return;
    }
    const now = Date.now();
    const actor = actorOf(principal);
    const [claims, totals] = await Promise.all([this.claims.list({}, actor, now), this.claims.summary(undefined, actor, now)]);
    const zones = new Map<string, string>();
    for (const id of new Set(claims.map((c) => c.contractId))) zones.set(id, (await this.contracts.versions(id)).at(-1)!.terms.timeZone);
    reply.status(200).send(claimsPage({ now, claims, totals, zones }, nonce));
  }

  @Get(['claims/:id/packet.json', 'v1/claims/:id/packet.json'])
  async packetJson(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    await this.document(request, reply, async (principal) => {
      const packet = await this.packets.packet(id, actorOf(principal));
      reply.header('content-type', 'application/json; charset=utf-8').header('content-disposition', `inline; filename="${packet.claim.id}.packet.json"`);
      return `${JSON.stringify(packet, null, 2)}\n`;
    });
  }

  @Get(['claims/:id/evidence.csv', 'v1/claims/:id/evidence.csv'])
  async evidenceCsv(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    await this.document(request, reply, async (principal) => {
      const packet = await this.packets.packet(id, actorOf(principal));
      reply.header('content-type', CSV).header('content-disposition', `attachment; filename="${packet.claim.id}.evidence.csv"`);
      return evidenceRows(packet);
    });
  }

  @Get(['claims/:id/letter.html', 'v1/claims/:id/letter.html'])
  async letter(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    await this.document(request, reply, async (principal) => {
      const packet = await this.packets.packet(id, actorOf(principal));
      htmlHeaders(reply, nonce);
      return claimLetterPage(packet, nonce);
    });
  }

  @Get(['claims/claims.csv', 'v1/reports/claims.csv'])
  async claimsCsv(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('status') status?: string): Promise<void> {
    await this.document(request, reply, async (principal) => {
      if (status !== undefined && !CLAIM_STATUSES.includes(status as ClaimStatus)) {
        throw new HttpProblem(400, 'BAD_REQUEST', `status must be one of ${CLAIM_STATUSES.join(', ')}, not "${status}"`);
      }
      const claims = await this.claims.list({ status: status as ClaimStatus | undefined }, actorOf(principal));
      reply.header('content-type', CSV).header('content-disposition', 'attachment; filename="claims.csv"');
      return claimRows(claims);
    });
  }

  /** Answers with what `render` makes, or the problem as JSON with its status. */
  private async document(request: FastifyRequest, reply: FastifyReply, render: (principal: Principal) => Promise<string>): Promise<void> {
    reply.header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
    try {
      const principal = await this.caller(request);
      reply.status(200).send(await render(principal));
    } catch (error) {
      const problem = error instanceof HttpProblem ? error
        : error instanceof ForbiddenError ? new HttpProblem(403, 'FORBIDDEN', error.message)
          : error instanceof InputError ? new HttpProblem(/^no claim /.test(error.message) ? 404 : 400, /^no claim /.test(error.message) ? 'NOT_FOUND' : 'BAD_REQUEST', error.message)
            : null;
      if (problem === null) throw error;
      reply.status(problem.status).header('content-type', 'application/json; charset=utf-8').send({ code: problem.code, message: problem.message });
    }
  }

  /** The caller's key (bearer, or the sign-in cookie on /claims), with the read scope, within its query rate. */
  private async caller(request: FastifyRequest): Promise<Principal> {
    const cookie = parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE];
    const result = await this.keys.authenticate(request.headers.authorization ?? (cookie ? `Bearer ${cookie}` : undefined));
    if (!result.ok) throw new HttpProblem(401, 'UNAUTHENTICATED', 'send a key with the read scope: Authorization: Bearer <key>');
    if (!hasScope(result.principal, 'read')) throw new HttpProblem(403, 'FORBIDDEN', 'this key lacks the read scope');
    const decision = await this.limiter.take(result.principal.keyId, 'query', 1);
    if (!decision.allowed) throw new HttpProblem(429, 'RATE_LIMITED', `this key's query rate limit is spent; retry in ${decision.retryAfterSeconds} s`);
    return result.principal;
  }
}

function htmlHeaders(reply: FastifyReply, nonce: string): void {
  reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'private, no-store');
}

/** evidence.csv: one row per minute of every evidence run. */
function evidenceRows(packet: ClaimPacket): string {
  const rows = packet.evidence.runs.flatMap((run) =>
    run.minuteRows.map((m) => [packet.claim.id, run.start, m.minute, m.eligibleRequests, m.failedRequests, breakdownText(m.statusBreakdown)]));
  return stringify(rows, { ...CSV_OPTIONS, columns: ['claim', 'run_start', 'minute', 'eligible_requests', 'failed_requests', 'status_breakdown'] });
}

/** claims.csv: one row per claim. */
function claimRows(claims: readonly ClaimListing[]): string {
  const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
  return stringify(
    claims.map((c) => [
      c.id, c.contractId, c.platform, c.provider, c.period, claimStatus(c), c.statementVersion, c.claimedAmount.amount, c.creditedAmount?.amount ?? '',
      c.claimedAmount.currency, iso(c.claimDeadline), iso(c.filedAt), c.reference ?? '', iso(c.resolvedAt), c.evidenceEvents, c.evidenceDigest,
    ]),
    {
      ...CSV_OPTIONS,
      columns: ['claim', 'contract', 'platform', 'provider', 'period', 'status', 'statement_version', 'claimed_amount', 'credited_amount', 'currency',
        'claim_deadline', 'filed_at', 'reference', 'resolved_at', 'evidence_events', 'evidence_digest'],
    },
  );
}
