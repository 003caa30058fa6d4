import { ChildProcess, spawn } from 'node:child_process';
import type pino from 'pino';

/** Set in the worker's environment: the pid of the process that started it. */
export const WORKER_PARENT_PID = 'LEDGER_WORKER_PARENT_PID';

/** A worker that ran this long before it died is restarted at once, not after a longer wait. */
const STABLE_AFTER_MS = 60_000;
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker still running this long after SIGTERM (a batch that will not finish) is killed. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The worker of a ROLE=all service, in a process of its own: the same entry script with
 * ROLE=worker, on the API's database, listening for its health on a free loopback port. Node
 * runs a process's JavaScript on one core; apart, ingest and queries get one and the folding of
 * the projections the other, instead of taking turns on one (bench:scale measured the
 * projections' lag halved). Restarted with a growing delay if it dies; stopped (SIGTERM, then
 * SIGKILL after 30 s) before the API's database goes.
 */
export class WorkerProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: pino.Logger,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const startedAt = Date.now();
    // The parent's node flags (the heap bound `npm start` gives) and its output streams: the
    // worker's JSON log lines go where the API's go.
    const child = spawn(process.execPath, [...process.execArgv, this.script], {
      env: { ...this.env, [WORKER_PARENT_PID]: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.child = child;
    this.logger.info({ pid: child.pid }, 'started the worker process');
    let ended = false;
    const ends = (details: Record<string, unknown>) => {
      if (ended) return;
      ended = true;
      this.child = null;
      if (this.stopping) return;
      this.failures = Date.now() - startedAt >= STABLE_AFTER_MS ? 0 : this.failures + 1;
      const delay = Math.min(MAX_RESTART_DELAY_MS, this.failures === 0 ? 0 : FIRST_RESTART_DELAY_MS * 2 ** (this.failures - 1));
      this.logger.error({ ...details, restartInMs: delay }, 'the worker process ended; starting it again');
      this.restartTimer = setTimeout(() => this.start(), delay);
    };
    child.once('exit', (code, signal) => ends({ code, signal }));
    // Could not be started at all (an 'exit' may or may not follow).
    child.once('error', (error) => ends({ err: error }));
  }

  /** Stops the worker (it finishes or rolls back the batch it is folding) and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  }
}

/**
 * In a worker started by a WorkerProcess: `onOrphaned` once the process that started it is gone
 * (killed without a chance to stop it), so that no worker outlives its service.
 */
export function watchParent(onOrphaned: () => void): void {
  const parent = Number(process.env[WORKER_PARENT_PID]);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, 1_000);
  timer.unref();
}
