import { ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { HttpServer } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** Postgres SQLSTATEs meaning "not now": shutting down, starting up, too many connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
/** Socket errors of a connection that could not be made or was cut. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** node-postgres reports a lost or impossible connection with these messages and no code. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error/i,
  /is not queryable/i,
  /cannot use a pool after calling end/i,
];

/**
 * Whether an error means the database cannot be reached right now (as opposed to a bug or a
 * bad statement): the request may be retried as it is once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // AggregateError (a refused connection to every address of a host) and wrapped causes.
  const nested = [...((error as { errors?: unknown[] }).errors ?? []), (error as { cause?: unknown }).cause];
  return nested.some((inner) => inner !== undefined && inner !== error && isDatabaseUnavailable(inner));
}

export const DATABASE_UNAVAILABLE_BODY = {
  statusCode: HttpStatus.SERVICE_UNAVAILABLE,
  error: 'Service Unavailable',
  code: 'DATABASE_UNAVAILABLE',
  message: 'the database is unavailable; the request was not completed. Retry it: ingest is idempotent, so a batch that did commit is answered as duplicates.',
} as const;

/**
 * Answers `503` with a JSON error and `Retry-After: 1` when a request failed because the
 * database was unreachable, instead of Nest's generic `500`. Everything else goes to Nest's
 * default handling. A `200` is only ever sent after a commit, so a batch interrupted by the
 * database going away is never acknowledged.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  constructor(
    applicationRef: HttpServer,
    private readonly onUnavailable: (error: unknown) => void = () => undefined,
  ) {
    super(applicationRef);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    // An HttpException is an answer already chosen (its message may quote client input).
    if (host.getType() !== 'http' || exception instanceof HttpException || !isDatabaseUnavailable(exception)) {
      super.catch(exception, host);
      return;
    }
    this.onUnavailable(exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE).header('retry-after', '1').send(DATABASE_UNAVAILABLE_BODY);
  }
}
