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
