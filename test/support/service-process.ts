import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_KEY, LedgerClient, START_TIMEOUT_MS } from './test-service';

/**
 * One built service process (`npm run build`) that a fault test may kill, stop and start
 * again. Unlike `startBuiltService` it keeps every line the process printed, for tests that
 * check the logs, and it can be restarted with the same settings.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exitedPromise: Promise<number | null> = Promise.resolve(null);
  /** Every stdout line of every run of this process. */
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  url = '';

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
  ) {}

  get client(): LedgerClient {
    return new LedgerClient(this.url);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the process on port 0 (the kernel picks a free port); resolves with its URL once it
   * listens (read from its info log line, so LOG_LEVEL must allow info). Rejects if it exits
   * first or does not listen within START_TIMEOUT_MS.
   */
  async start(): Promise<string> {
    const main = join(__dirname, '../../dist/apps/api/src/main.js');
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exitedPromise = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    collectLines(child.stdout!, this.stdout);
    collectLines(child.stderr!, this.stderr);
    const exited = this.exitedPromise;
    const firstLine = this.stdout.length;
    let timer: NodeJS.Timeout | undefined;
    let onData = () => {};
    try {
      this.url = await new Promise<string>((resolve, reject) => {
        const check = () => {
          for (const line of this.stdout.slice(firstLine)) {
            const match = /"url":"(http:\/\/[^"]+)"/.exec(line);
            if (match && line.includes('SLA Ledger is listening')) return resolve(match[1]!);
          }
        };
        onData = () => setImmediate(check);
        child.stdout!.on('data', onData);
        void exited.then((code) =>
          reject(new Error(`${this.name} exited (${code}) before listening:\n${this.stdout.slice(-20).join('\n')}\n${this.stderr.join('\n')}`)),
        );
        timer = setTimeout(
          () => reject(new Error(`${this.name} did not listen within ${START_TIMEOUT_MS} ms:\n${this.stdout.slice(-20).join('\n')}\n${this.stderr.join('\n')}`)),
          START_TIMEOUT_MS,
        );
      });
    } catch (error) {
      this.child = null;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
    }
    return this.url;
  }

  /** Sends a signal and resolves with the exit code once the process has ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (child === null) return null;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return this.exitedPromise;
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<string> {
    await this.stop(signal);
    return this.start();
  }
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    into.push(...lines.filter((l) => l !== ''));
  });
  stream.on('end', () => {
    if (partial !== '') into.push(partial);
  });
}

/** Stops every process given, whatever state it is in (for `finally` blocks). */
export async function stopAll(processes: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop('SIGKILL').catch(() => null)));
}

/** Nearest-rank percentile of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** For retry back-off and pacing only; to wait for something to happen, use `waitFor` (./wait). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
