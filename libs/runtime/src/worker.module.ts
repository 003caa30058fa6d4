import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

/**
 * The worker role: projectors and periodic jobs run here, on @nestjs/schedule, in processes
 * started with ROLE=worker or ROLE=all. Projections (minute rollups, outages, incidents, live
 * status) register their runners in this module.
 */
@Module({ imports: [ScheduleModule.forRoot()] })
export class WorkerModule {}
