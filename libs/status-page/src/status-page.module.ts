import { DynamicModule, Module } from '@nestjs/common';
import { AlertsModule } from '@ledger/alerts';
import { ProjectionsModule } from '@ledger/projections';
import { ReportingModule } from '@ledger/reporting';
import { ProviderStatusModule } from '@ledger/provider-status';
import { ClaimsController } from './claims.controller';
import { STATUS_PAGE_MODE, StatusPageMode } from './status-access';
import { StatusPageController } from './status-page.controller';
import { StatusPageService } from './status-page.service';

/** The human-facing status pages: `/status` and `/status/compare`. */
@Module({})
export class StatusPageModule {
  static forRoot(options: { mode: Exclude<StatusPageMode, 'off'> }): DynamicModule {
    return {
      module: StatusPageModule,
      imports: [ProjectionsModule, ReportingModule, AlertsModule, ProviderStatusModule],
      controllers: [StatusPageController],
      providers: [{ provide: STATUS_PAGE_MODE, useValue: options.mode }, StatusPageService],
    };
  }
}

/**
 * Claims for people and their tools: the `/claims` page and each claim's packet, evidence and
 * letter. Served with the API whatever STATUS_PAGE says: they always need a read key.
 */
@Module({ imports: [ReportingModule], controllers: [ClaimsController] })
export class ClaimsPagesModule {}
