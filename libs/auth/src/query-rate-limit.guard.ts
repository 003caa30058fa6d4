import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BOOTSTRAP_ADMIN_KEY_ID } from './api-key.service';
import { RateLimiter } from './rate-limiter';
import type { AuthenticatedRequest } from './scope.guard';

/**
 * Draws one request from the key's query bucket (the one GraphQL uses) for REST reads such as
 * CSV exports and `/metrics`; `429` with `Retry-After` when it is spent. Runs after
 * `ScopeGuard`, which has resolved the key. The bootstrap admin key is not limited.
 */
@Injectable()
export class QueryRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (principal === undefined || principal.keyId === BOOTSTRAP_ADMIN_KEY_ID) return true;
    const decision = await this.limiter.take(principal.keyId, 'query', 1);
    if (decision.allowed) return true;
    void context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(decision.retryAfterSeconds));
    throw new HttpException(`this key's query rate limit is spent; retry in ${decision.retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}
