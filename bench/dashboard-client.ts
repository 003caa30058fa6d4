/**
 * The scale benchmark's dashboard client, on a thread of its own: it asks the given queries in
 * turn, one at a time, a pause apart, and times each answer. On the bench's main thread a timing
 * would also hold the moments that thread spends building a batch of traffic, during which no
 * answer is read: the load generator's time, not the service's.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { benchGraphql, sleep } from './bench-support';

export interface DashboardQuery {
  query: string;
  variables: Record<string, unknown>;
}

interface Setup {
  dashboardClient: true;
  url: string;
  key: string;
  queries: Array<[string, DashboardQuery]>;
  pauseMs: number;
}

type Report = { name: string; ms: number } | { name: string; error: string };

export class DashboardClient {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(
    url: string, key: string, queries: Record<string, DashboardQuery>, pauseMs: number,
    onAnswer: (name: string, ms: number) => void, onError: (name: string, message: string) => void,
  ) {
    const setup: Setup = { dashboardClient: true, url, key, queries: Object.entries(queries), pauseMs };
    this.worker = new Worker(__filename, { workerData: setup });
    this.worker.on('message', (report: Report) => ('error' in report ? onError(report.name, report.error) : onAnswer(report.name, report.ms)));
    this.exited = new Promise((resolve, reject) => {
      this.worker.once('exit', () => resolve());
      this.worker.once('error', reject);
    });
  }

  /** Asks nothing more; resolves once the query in flight is answered and the thread has ended. */
  stop(): Promise<void> {
    this.worker.postMessage('stop');
    return this.exited;
  }
}

async function askInTurn(setup: Setup): Promise<void> {
  let running = true;
  parentPort!.once('message', () => (running = false));
  for (let i = 0; running; i++) {
    const [name, { query, variables }] = setup.queries[i % setup.queries.length]!;
    const t0 = performance.now();
    try {
      await benchGraphql(setup.url, setup.key, query, variables);
      parentPort!.postMessage({ name, ms: performance.now() - t0 } satisfies Report);
    } catch (error) {
      parentPort!.postMessage({ name, error: (error as Error).message } satisfies Report);
    }
    await sleep(setup.pauseMs);
  }
  parentPort!.close();
}

if (!isMainThread && (workerData as Partial<Setup> | null)?.dashboardClient === true) void askInTurn(workerData as Setup);
