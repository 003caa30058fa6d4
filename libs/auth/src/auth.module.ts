import { DynamicModule, Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ApiKeyRepository } from './api-key.repository';
import { ADMIN_API_KEY, ApiKeyService } from './api-key.service';
import { ScopeGuard } from './scope.guard';

@Module({})
export class AuthModule {
  static forRoot(options: { adminApiKey?: string | undefined }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [EventStoreModule],
      providers: [
        ApiKeyRepository,
        ApiKeyService,
        ScopeGuard,
        { provide: ADMIN_API_KEY, useValue: options.adminApiKey },
      ],
      exports: [ApiKeyService, ScopeGuard],
    };
  }
}
