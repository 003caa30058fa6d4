import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { CheckpointRepository } from './checkpoint.repository';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { DetectionPolicyService } from './detection-policy.service';
import { HourRollupRepository } from './hour-rollup.repository';
import { IncidentRepository } from './incident.repository';
import { LiveStatusFeed } from './live-status.feed';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';
import { RollupChangeRepository } from './rollup-change.repository';
import { TimelineProjection } from './timeline.projection';
import { TimelineQueries } from './timeline.queries';

const providers = [
  CheckpointRepository,
  DetectionPolicyRepository,
  MinuteRollupRepository,
  HourRollupRepository,
  OutageRepository,
  IncidentRepository,
  RollupChangeRepository,
  OutageDeriver,
  TimelineProjection,
  TimelineQueries,
  DetectionPolicyService,
  LiveStatusFeed,
];

/** The read models and the projection that maintains them (no scheduling: see WorkerModule). */
@Module({ imports: [EventStoreModule], providers, exports: [...providers, EventStoreModule] })
export class ProjectionsModule {}
