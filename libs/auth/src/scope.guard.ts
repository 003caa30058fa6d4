import {
  CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasScope, Principal, Scope } from '@ledger/domain';
import { ApiKeyService } from './api-key.service';

const REQUIRED_SCOPE = 'ledger:required-scope';

/** Marks an HTTP handler as needing a bearer key with this scope (401 without a valid key, 403 without the scope). */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.get<Scope | undefined>(REQUIRED_SCOPE, context.getHandler());
    if (scope === undefined) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const result = await this.keys.authenticate(Array.isArray(header) ? header[0] : header);
    if (!result.ok) {
      throw new UnauthorizedException(
        result.reason === 'missing' ? 'missing bearer token: send Authorization: Bearer <key>' : 'unknown or revoked API key',
      );
    }
    if (!hasScope(result.principal, scope)) throw new ForbiddenException(`this key lacks the ${scope} scope`);
    request.principal = result.principal;
    return true;
  }
}
