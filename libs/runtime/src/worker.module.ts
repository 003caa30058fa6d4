import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ProjectionsModule, ProjectorService } from '@ledger/projections';

/**
 * The worker role: projectors and periodic jobs on @nestjs/schedule, in processes started with
 * ROLE=worker or ROLE=all.
 */
@Module({ imports: [ScheduleModule.forRoot(), ProjectionsModule], providers: [ProjectorService] })
export class WorkerModule {}
