import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, and when. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** When it arrived and when it was answered (ms, performance.now()). */
  arrivedAt: number;
  answeredAt: number;
  /** The status it was answered with. */
  status: number;
}

/** How a path answers its nth request (from 1): a status, optionally after a delay; 'hang' never answers. */
export type Answer = (nth: number, body: string) => { status: number; delayMs?: number } | 'hang';

const ANSWER_200: Answer = () => ({ status: 200 });

/**
 * A webhook receiver on loopback, as an alert's target: it records every request and answers as
 * told per path (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<() => void>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      const arrivedAt = performance.now();
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        const nth = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, nth);
        const answer = (this.answers.get(path) ?? ANSWER_200)(nth, body);
        if (answer === 'hang') {
          const release = () => response.destroy();
          this.hanging.add(release);
          return;
        }
        setTimeout(() => {
          response.writeHead(answer.status, { 'content-type': 'text/plain' }).end('ok');
          this.received.push({ path, headers: request.headers, body, arrivedAt, answeredAt: performance.now(), status: answer.status });
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** How `path` answers from now on. */
  answer(path: string, answer: Answer): void {
    this.answers.set(path, answer);
  }

  /** How many requests reached `path`, answered or not. */
  arrived(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** The requests `path` got (answered ones), in order of answer. */
  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Bodies `path` got, parsed. */
  bodies(path: string): any[] {
    return this.at(path).map((r) => JSON.parse(r.body));
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }
}
