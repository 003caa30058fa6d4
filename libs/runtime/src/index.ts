export { startService, runService } from './service';
export type { RunningService } from './service';
export { AppModule } from './app.module';
export { WorkerModule } from './worker.module';
export { LEDGER_PROJECTIONS, ProjectionRunnerModule, createProjectionRunner } from './projections';
