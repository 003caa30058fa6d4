import { DynamicModule, Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ApiKeyRepository } from './api-key.repository';
import { ProviderAliasRepository } from './provider-alias.repository';
import { ProviderAliasService } from './provider-alias.service';
import { ADMIN_API_KEY, ApiKeyService } from './api-key.service';
import { RATE_LIMITS, RateLimiter, RateLimits } from './rate-limiter';
import { QueryRateLimitGuard } from './query-rate-limit.guard';
import { ScopeGuard } from './scope.guard';

@Module({})
export class AuthModule {
  static forRoot(options: { adminApiKey?: string | undefined; rateLimits?: RateLimits }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [EventStoreModule],
      providers: [
        ApiKeyRepository,
        ApiKeyService,
        ProviderAliasRepository,
        ProviderAliasService,
        ScopeGuard,
        RateLimiter,
        QueryRateLimitGuard,
        { provide: ADMIN_API_KEY, useValue: options.adminApiKey },
        { provide: RATE_LIMITS, useValue: options.rateLimits },
      ],
      exports: [ApiKeyService, ProviderAliasService, ScopeGuard, RateLimiter, QueryRateLimitGuard],
    };
  }
}
