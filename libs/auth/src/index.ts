export { ApiKeyService, ADMIN_API_KEY, BOOTSTRAP_ADMIN_KEY_ID } from './api-key.service';
export type { ApiKeySummary, CreatedApiKey, NewApiKey, Authentication } from './api-key.service';
export { ApiKeyRepository } from './api-key.repository';
export { ScopeGuard, RequireScope } from './scope.guard';
export type { AuthenticatedRequest } from './scope.guard';
export { AuthModule } from './auth.module';
export { issueToken, parseToken } from './api-key-token';
export { RateLimiter, RATE_LIMITS, DEFAULT_RATE_LIMITS } from './rate-limiter';
export type { RateLimits, RateDecision, LimitKind } from './rate-limiter';
