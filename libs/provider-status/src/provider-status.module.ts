import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ProjectionsModule } from '@ledger/projections';
import { StatusPageAccuracyService } from './accuracy/status-page-accuracy.service';
import { StatusComponentRepository } from './components/status-component.repository';
import { StatusComponentService } from './components/status-component.service';
import { IncidentImportService } from './incidents/incident-import.service';
import { ProviderIncidentRepository } from './incidents/provider-incident.repository';
import { ProviderStatusFeedRepository } from './poller/provider-status-feed.repository';

const providers = [ProviderIncidentRepository, IncidentImportService, StatusComponentRepository, StatusComponentService, StatusPageAccuracyService,
  ProviderStatusFeedRepository];

/**
 * Provider status pages (concepts §12): imported incidents and their versions, the component
 * mapping, the accuracy report, and the feed poller's state. The poller (StatusFeedPoller) runs in
 * the worker role; STATUS_FEEDS_OPTIONS comes from the app module.
 */
@Module({ imports: [EventStoreModule, ProjectionsModule], providers, exports: providers })
export class ProviderStatusModule {}
