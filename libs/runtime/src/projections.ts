import { Global, Module } from '@nestjs/common';
import type { Database } from '@ledger/database';
import { OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository, createTimelineProjection, Projection, ProjectionRunner, PROJECTIONS, ProjectionsModule, TimelineProjection } from '@ledger/projections';
import { createVendorSummaryProjection, ReportingModule, VendorSummaryProjection } from '@ledger/reporting';
import { AlertsModule, AlertsProjection, createAlertsProjection } from '@ledger/alerts';

/**
 * Every read model of the ledger, as the projection that keeps it, in fold order (a projection
 * that follows another comes after it). Adding a read model is adding its projection here: the
 * runner then folds, checkpoints, reports and rebuilds it with the others.
 */
export const LEDGER_PROJECTIONS = [
  { type: TimelineProjection, create: createTimelineProjection },
  { type: VendorSummaryProjection, create: createVendorSummaryProjection },
  { type: AlertsProjection, create: createAlertsProjection },
] as const;

/**
 * The projection runner with every projection registered, in every role: the worker drives it
 * on a schedule, the API reads lag from it and catches the vendor summaries up before a
 * comparison, the CLI rebuilds through it.
 */
@Global()
@Module({
  imports: [ProjectionsModule, ReportingModule, AlertsModule],
  providers: [
    { provide: PROJECTIONS, useFactory: (...projections: Projection[]) => projections, inject: LEDGER_PROJECTIONS.map((p) => p.type) },
    ProjectionRunner,
  ],
  exports: [ProjectionRunner],
})
export class ProjectionRunnerModule {}

/** The runner wired by hand, for the CLI, benchmarks and tests that drive projections step by step. */
export function createProjectionRunner(db: Database): ProjectionRunner {
  return new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), LEDGER_PROJECTIONS.map((p) => p.create()));
}
