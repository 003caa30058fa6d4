import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ProjectionsModule } from '@ledger/projections';
import { StatusPageAccuracyService } from './accuracy/status-page-accuracy.service';
import { StatusComponentRepository } from './components/status-component.repository';
import { StatusComponentService } from './components/status-component.service';
import { IncidentImportService } from './incidents/incident-import.service';
import { ProviderIncidentRepository } from './incidents/provider-incident.repository';

const providers = [ProviderIncidentRepository, IncidentImportService, StatusComponentRepository, StatusComponentService, StatusPageAccuracyService];

/**
 * Provider status pages (concepts §12): imported incidents and their versions, the component
 * mapping, and the accuracy report. The feed poller runs in the worker role.
 */
@Module({ imports: [EventStoreModule, ProjectionsModule], providers, exports: providers })
export class ProviderStatusModule {}
