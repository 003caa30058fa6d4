import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with its nth request (from 1): pass it on; answer it itself with a status
 * and `Retry-After` (nothing reaches the service); or pass it on and then cut the connection
 * instead of answering (the service committed the batch, the client never hears of it).
 */
export type FaultDecision = 'pass' | 'lose-answer' | { status: number; retryAfter: string };

/**
 * An HTTP proxy on loopback between a client and the service, injecting faults. Its upstream
 * can change (a service restarted on another port) or be unset (no service): a request that
 * cannot reach the upstream has its connection cut, as a dead server's would be.
 */
export class FaultProxy {
  upstream: string | null = null;
  readonly counts = {
    requests: 0,
    /** Answered by the proxy itself (429, 503…). */
    injected: 0,
    /** Passed on and committed by the service, the answer then lost. */
    lostAnswers: 0,
    /** Events in the lost answers' batches: the service's accepted + duplicates. */
    lostAnswerEvents: 0,
    /** Requests whose connection was cut because the service was down or died under them. */
    upstreamFailures: 0,
  };
  /** Requests passed on to the service and not yet answered by it. */
  forwarding = 0;
  private server: Server | null = null;
  url = '';

  constructor(private readonly decide: (nth: number) => FaultDecision = () => 'pass') {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, response, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    const decision = this.decide(++this.counts.requests);
    if (typeof decision === 'object') {
      this.counts.injected++;
      response.writeHead(decision.status, { 'content-type': 'application/json', 'retry-after': decision.retryAfter });
      response.end(JSON.stringify({ message: `injected ${decision.status}` }));
      return;
    }
    let settled = false;
    const settle = () => {
      if (!settled) this.forwarding--;
      settled = true;
    };
    const cut = () => {
      settle();
      this.counts.upstreamFailures++;
      request.socket.destroy();
    };
    if (this.upstream === null) {
      this.forwarding++;
      return cut();
    }
    const target = new URL(request.url ?? '/', this.upstream);
    this.forwarding++;
    const forwarded = httpRequest(target, { method: request.method, headers: { ...request.headers, host: target.host } }, (answer) => {
      const answerChunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
      answer.on('error', cut);
      answer.on('end', () => {
        settle();
        const answerBody = Buffer.concat(answerChunks);
        if (decision === 'lose-answer' && answer.statusCode === 200) {
          const { accepted, duplicates } = JSON.parse(answerBody.toString('utf8')) as { accepted: number; duplicates: number };
          this.counts.lostAnswers++;
          this.counts.lostAnswerEvents += accepted + duplicates;
          request.socket.destroy();
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        response.end(answerBody);
      });
    });
    forwarded.on('error', cut);
    forwarded.end(body);
  }
}
