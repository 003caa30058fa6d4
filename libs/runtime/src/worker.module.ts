import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ProjectionsModule, ProjectorService } from '@ledger/projections';
import { ReportingModule } from '@ledger/reporting';

/**
 * The worker role: projectors and periodic jobs on @nestjs/schedule (the timeline projection,
 * statements issued after the grace delay), in processes started with ROLE=worker or ROLE=all.
 */
@Module({ imports: [ScheduleModule.forRoot(), ProjectionsModule, ReportingModule], providers: [ProjectorService] })
export class WorkerModule {}
