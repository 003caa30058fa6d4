import { BadRequestException, Body, Controller, Headers, HttpCode, Post, Query, UnsupportedMediaTypeException, UseGuards } from '@nestjs/common';
import { InputError } from '@ledger/domain';
import { RequireScope, ScopeGuard } from '@ledger/auth';
import { FeedError, ImportResult, IncidentImportService } from '@ledger/provider-status';

/**
 * `POST /v1/provider-incidents?provider=P` (api.md § Provider status pages): a provider's
 * Statuspage `incidents.json`, imported whole or not at all. Admin scope: what a provider's page
 * said is the operator's to record, not a platform's.
 */
@Controller('v1/provider-incidents')
@UseGuards(ScopeGuard)
export class ProviderIncidentsController {
  constructor(private readonly imports: IncidentImportService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('admin')
  async post(@Query('provider') provider: string | undefined, @Headers('content-type') contentType: string | undefined, @Body() body: unknown): Promise<ImportResult> {
    if (!/^application\/json\b/i.test(contentType ?? '')) throw new UnsupportedMediaTypeException('send the incidents.json with Content-Type: application/json');
    if (provider === undefined || provider === '') throw new BadRequestException('the query parameter provider=P names whose status page this is');
    try {
      return await this.imports.importFeed(provider, body, 'upload');
    } catch (error) {
      if (error instanceof FeedError) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: error.message, problems: error.problems });
      if (error instanceof InputError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
