import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * An embedded Postgres cluster that a fault test may stop and start again (same data folder,
 * same port), run by `postgres-server.mjs` in a child process.
 */
export class PostgresProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  url = '';

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  async start(): Promise<string> {
    const child = spawn(process.execPath, [join(__dirname, 'postgres-server.mjs'), this.dataDir, String(this.port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    this.url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /\{"url":"([^"]+)"\}/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void this.exited.then((code) => reject(new Error(`Postgres exited (${code}) before it was ready:\n${output}`)));
    });
    return this.url;
  }

  /** A fast shutdown: sessions are terminated, uncommitted transactions lost, committed ones kept. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    this.child = null;
    child.kill('SIGTERM');
    await this.exited;
  }
}
