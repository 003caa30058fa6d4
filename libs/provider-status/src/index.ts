export { ProviderStatusModule } from './provider-status.module';
export { ProviderIncidentRepository, type StoredIncident, type IncidentSource } from './incidents/provider-incident.repository';
export { IncidentImportService, FeedError, type ImportResult } from './incidents/incident-import.service';
export { StatusComponentRepository } from './components/status-component.repository';
export { StatusComponentService } from './components/status-component.service';
export { StatusPageAccuracyService, type IncidentWithModels, type ProviderAccuracy } from './accuracy/status-page-accuracy.service';
export { StatusFeedPoller, type FeedPoll } from './poller/status-feed-poller';
export { ProviderStatusFeedRepository, type FeedState } from './poller/provider-status-feed.repository';
export { STATUS_FEEDS_OPTIONS, type StatusFeed, type StatusFeedsOptions } from './poller/status-feeds-options';
