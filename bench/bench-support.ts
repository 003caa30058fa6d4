import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Whether nothing listens on a loopback port now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Runs a benchmark's `main` to its exit code, always cleaning up (service, Postgres, temp
 * folders), and gives up after `watchdogMs` so a stuck run never outlives its budget.
 */
export function runBenchmark(options: {
  main: () => Promise<number>;
  cleanUp: () => Promise<void>;
  watchdogMs: number;
  log: (line: string) => void;
  /** The service's last output lines, shown when the run fails. */
  lastOutput: () => string[];
}): void {
  const { main, cleanUp, watchdogMs, log, lastOutput } = options;
  const watchdog = setTimeout(() => {
    log(`the benchmark took longer than ${watchdogMs / 1000} s; giving up`);
    void cleanUp().finally(() => process.exit(3));
  }, watchdogMs);
  main().then(
    async (code) => {
      await cleanUp();
      clearTimeout(watchdog);
      process.exit(code);
    },
    async (error: unknown) => {
      log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const output = lastOutput();
      if (output.length > 0) log(`last service output:\n${output.slice(-20).join('\n')}`);
      await cleanUp();
      clearTimeout(watchdog);
      process.exit(1);
    },
  );
}

/** The service under test, run as a child process. */
export interface ServiceChild {
  child: ChildProcess;
  url: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `/readyz` to answer 200; fails early if the process exits. */
export async function waitUntilReady(service: ServiceChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`the service exited during start-up (code ${service.child.exitCode}, signal ${service.child.signalCode})`);
    }
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service was not ready within ${timeoutMs / 1000} s`);
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stopService(service: ServiceChild, log: (line: string) => void): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]))) {
    log('the service did not stop within 15 s of SIGTERM; killing it');
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  }
}
