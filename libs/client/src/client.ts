import { type BackoffPolicy, retryDelayMs } from './backoff';
import { BoundedQueue } from './bounded-queue';
import { type CallClassification, classifyError, classifyResult } from './classify';
import { prepareEvent } from './event';
import { canMakeEventIds, newEventId } from './ids';
import { type IngestAnswer, postBatch } from './ingest-request';
import { LedgerClientError } from './ledger-client-error';
import { backgroundTimeout, holdOpen, sleep, type Timer } from './timers';
import type { DropCounts, DropReason, FetchLike, LedgerStats, OutcomeEventInput, WireEvent } from './types';

export interface LedgerClientOptions {
  /** The service's base URL (`https://ledger.example.com`); events go to `${url}/v1/events`. */
  url: string;
  /** A key with the `ingest` scope; its platform is the platform of every event. */
  apiKey: string;
  /** Events per request (default 500, at most 10,000, the service's limit, and at most `maxQueue`). A full batch is sent at once. */
  batchSize?: number;
  /** The longest an event waits for its batch to fill before it is sent anyway (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Events that may wait to be sent (default 10,000); past that `record()` drops the newest event. */
  maxQueue?: number;
  /** The cap of the first retry's jittered wait; it doubles with each attempt (default 200 ms). */
  initialRetryDelayMs?: number;
  /** The most the jittered backoff may wait (default 30,000 ms); a `Retry-After` comes on top. */
  maxRetryDelayMs?: number;
  /** How long one request may take before it is abandoned and retried (default 30,000 ms). */
  requestTimeoutMs?: number;
  /** The fetch to use (default: the global `fetch`, looked up at each request). */
  fetch?: FetchLike;
  /** Told of every problem; never thrown. Default: one `console.warn` line per problem (record-time problems at most once a second). */
  onError?: (problem: LedgerClientError) => void;
}

export interface TrackOptions {
  /** The event's id (default: a generated UUID). */
  id?: string;
  /** Classifies a thrown error before the built-in rules (`classifyError`); return undefined to fall back to them. */
  classifyError?: (error: unknown) => CallClassification | undefined;
}

/** The service's limit of events per request. */
export const MAX_BATCH_SIZE = 10_000;
/** Problems found by `record()` itself are reported at most this often per kind (the counters count every one). */
const RECORD_PROBLEM_REPORT_INTERVAL_MS = 1_000;

interface QueuedEvent {
  /** 1, 2, 3…: the order of queueing, which is also the order of sending. */
  seq: number;
  event: WireEvent;
}

interface FlushWaiter {
  /** Resolved once every event up to this sequence number is acknowledged or dropped. */
  through: number;
  resolve: () => void;
}

/**
 * Sends outcome events to SLA Ledger in the background: `record()` queues (and never throws),
 * full batches and those whose first event waited `flushIntervalMs` are sent one request at a
 * time, and a batch that could not be delivered is retried, the same bytes each time, until the
 * service answers it. See docs/client.md.
 */
export class LedgerClient {
  private readonly endpoint: string;
  private readonly apiKey: string;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly fetch: FetchLike;
  private readonly onError: (problem: LedgerClientError) => void;
  private readonly queue: BoundedQueue<QueuedEvent>;
  private inFlight: readonly QueuedEvent[] = [];
  private readonly counts = { recorded: 0, accepted: 0, duplicates: 0, retries: 0 };
  private readonly dropped: DropCounts = { invalid: 0, queueFull: 0, rejected: 0, batchRefused: 0, closed: 0, closeTimeout: 0 };
  /** The sequence number of the newest queued event. */
  private lastSeq = 0;
  /** Batches smaller than batchSize are sent while the queue's head is at or below this (a flush, or the timer). */
  private sendThrough = 0;
  private sending = false;
  private flushTimer: Timer | undefined;
  private waiters: FlushWaiter[] = [];
  private releaseProcess: (() => void) | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly closeDeadlines: Timer[] = [];
  /** Aborted when close() runs out of time: the request in flight and any backoff end at once. */
  private readonly giveUp = new AbortController();
  private readonly lastRecordProblem = new Map<DropReason, { reportedAt: number; unreported: number }>();

  constructor(options: LedgerClientOptions) {
    if (typeof options?.url !== 'string' || !/^https?:\/\/./i.test(options.url)) {
      throw new TypeError('LedgerClient: url must be the http(s) URL of the service');
    }
    if (typeof options.apiKey !== 'string' || options.apiKey === '') throw new TypeError('LedgerClient: apiKey is required (a key with the ingest scope)');
    const maxQueue = positiveInteger(options.maxQueue, 10_000, 'maxQueue');
    this.batchSize = Math.min(positiveInteger(options.batchSize, 500, 'batchSize'), MAX_BATCH_SIZE, maxQueue);
    this.flushIntervalMs = positiveInteger(options.flushIntervalMs, 1_000, 'flushIntervalMs');
    this.requestTimeoutMs = positiveInteger(options.requestTimeoutMs, 30_000, 'requestTimeoutMs');
    this.backoff = {
      initialDelayMs: positiveInteger(options.initialRetryDelayMs, 200, 'initialRetryDelayMs'),
      maxDelayMs: positiveInteger(options.maxRetryDelayMs, 30_000, 'maxRetryDelayMs'),
    };
    if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
      throw new TypeError('LedgerClient: this runtime has no global fetch; pass one as the fetch option');
    }
    if (!canMakeEventIds()) throw new TypeError('LedgerClient: this runtime has no crypto.getRandomValues to make event ids with');
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.onError = options.onError ?? ((problem) => console.warn(`[@sla-ledger/client] ${problem.message}`));
    this.endpoint = `${options.url.replace(/\/+$/, '')}/v1/events`;
    this.apiKey = options.apiKey;
    this.queue = new BoundedQueue(maxQueue);
  }

  /**
   * Queues one event. Never throws and never waits: an event the service would refuse, one
   * recorded while `maxQueue` events wait, or one recorded after `close()` is counted in
   * `stats().dropped` and reported to `onError`.
   */
  record(event: OutcomeEventInput): void {
    try {
      this.counts.recorded += 1;
      if (this.closed) return this.dropAtRecord('closed', idOf(event), 'an event was recorded after close(): not sent');
      const prepared = prepareEvent(event, Date.now(), newEventId);
      if (!prepared.ok) return this.dropAtRecord('invalid', prepared.id, `an invalid event was dropped: ${prepared.problems.join('; ')}`);
      if (!this.queue.offer({ seq: this.lastSeq + 1, event: prepared.event })) {
        return this.dropAtRecord('queueFull', prepared.event.id, `the queue is full (maxQueue ${this.queue.capacity} events waiting): the newest event was dropped`);
      }
      this.lastSeq += 1;
      if (this.queue.length >= this.batchSize) this.startSending();
      else this.armFlushTimer();
    } catch (error) {
      // Only an input that throws when read (a getter, a Proxy) gets here.
      this.dropped.invalid += 1;
      this.report(new LedgerClientError('invalid', `an event could not be read: ${describe(error)}`, { cause: error }));
    }
  }

  /**
   * Calls a provider and records how it went: `success` with its latency, or the failure
   * classified from the thrown error (see `classifyError`). Resolves to the call's result or
   * rejects with its error, unchanged; recording never adds an error of its own.
   */
  async track<T>(provider: string, model: string, call: () => T | PromiseLike<T>, options: TrackOptions = {}): Promise<Awaited<T>> {
    const started = monotonicNow();
    let result: Awaited<T>;
    try {
      result = await call();
    } catch (error) {
      this.recordCall(provider, model, started, options, () => this.classifyFailure(error, options));
      throw error;
    }
    this.recordCall(provider, model, started, options, () => classifyResult(result));
    return result;
  }

  /**
   * Sends every event recorded so far, batches below `batchSize` included. Resolves (never
   * rejects) once each is acknowledged or dropped; while the service is unreachable that is
   * when it comes back, so bound it yourself if you must (or use `close({ timeoutMs })`).
   * While a flush is pending it keeps a Node process alive.
   */
  flush(): Promise<void> {
    const through = this.lastSeq;
    if (this.settledThrough() >= through) return Promise.resolve();
    this.sendThrough = Math.max(this.sendThrough, through);
    const settled = new Promise<void>((resolve) => this.waiters.push({ through, resolve }));
    this.releaseProcess ??= holdOpen();
    this.startSending();
    return settled;
  }

  /**
   * Stops taking events (a later `record()` is dropped as `closed`), sends everything queued
   * and stops the timers. Without `timeoutMs` it waits until everything is delivered; with it,
   * whatever is still unsent when the time runs out is dropped (`closeTimeout`) and the
   * request in flight abandoned. Calling it again returns the same promise (a `timeoutMs`
   * given then applies too).
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      this.closing = this.shutDown();
    }
    if (options.timeoutMs !== undefined && this.settledThrough() < this.lastSeq) {
      this.closeDeadlines.push(backgroundTimeout(() => this.abandonUnsent(), Math.max(0, options.timeoutMs)));
    }
    return this.closing;
  }

  /** The counters so far (a copy). */
  stats(): LedgerStats {
    return {
      ...this.counts,
      dropped: { ...this.dropped },
      queued: this.queue.length,
      inFlight: this.inFlight.length,
    };
  }

  private async shutDown(): Promise<void> {
    await this.flush();
    for (const deadline of this.closeDeadlines) clearTimeout(deadline);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private abandonUnsent(): void {
    if (this.giveUp.signal.aborted) return;
    const queued = this.queue.clear().length;
    const inFlight = this.inFlight.length;
    this.dropped.closeTimeout += queued; // the batch in flight is counted when its attempt ends
    this.giveUp.abort();
    if (queued + inFlight > 0) {
      this.report(new LedgerClientError('closeTimeout', `close() ran out of time: ${queued + inFlight} unsent events were dropped`));
    }
    this.settle();
  }

  private startSending(): void {
    if (this.sending) return;
    this.sending = true;
    void this.sendBatches()
      .catch((error) => this.report(new LedgerClientError('internal', `the sender stopped: ${describe(error)}`, { cause: error })))
      .finally(() => {
        this.sending = false;
        this.settle();
      });
  }

  /** Sends batches one at a time while there is a full one, or a flush or the timer asks for a partial one. */
  private async sendBatches(): Promise<void> {
    await Promise.resolve(); // off the caller's stack: serialising a batch is not its business
    for (;;) {
      const head = this.queue.peek();
      if (head === undefined || this.giveUp.signal.aborted) return;
      if (this.queue.length < this.batchSize && head.seq > this.sendThrough) return this.armFlushTimer();
      this.inFlight = this.queue.take(this.batchSize);
      await this.deliver(this.inFlight);
      this.inFlight = [];
      this.settle();
    }
  }

  /** Sends one batch until the service answers it (or close() gives up), the same body every time. */
  private async deliver(batch: readonly QueuedEvent[]): Promise<void> {
    const body = JSON.stringify({ events: batch.map((queued) => queued.event) });
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) this.counts.retries += 1;
      const answer = await postBatch({
        fetch: this.fetch,
        endpoint: this.endpoint,
        apiKey: this.apiKey,
        body,
        timeoutMs: this.requestTimeoutMs,
        signal: this.giveUp.signal,
        now: Date.now,
      });
      if (answer.kind === 'acknowledged') return this.acknowledge(batch, answer);
      if (answer.kind === 'refused') {
        this.dropped.batchRefused += batch.length;
        this.report(new LedgerClientError('batchRefused', `a batch of ${batch.length} events was refused, not retried: ${answer.reason}`, { eventIds: ids(batch), status: answer.status }));
        return;
      }
      if (this.giveUp.signal.aborted) {
        this.dropped.closeTimeout += batch.length;
        return;
      }
      const delay = retryDelayMs(attempt, answer.retryAfterMs, this.backoff);
      this.report(
        new LedgerClientError('retrying', `a batch of ${batch.length} events was not delivered (${answer.reason}); trying again in ${delay} ms`, {
          eventIds: ids(batch),
          status: answer.status,
          retryInMs: delay,
        }),
      );
      await sleep(delay, this.giveUp.signal);
      if (this.giveUp.signal.aborted) {
        this.dropped.closeTimeout += batch.length;
        return;
      }
    }
  }

  private acknowledge(batch: readonly QueuedEvent[], answer: Extract<IngestAnswer, { kind: 'acknowledged' }>): void {
    this.counts.accepted += answer.accepted;
    this.counts.duplicates += answer.duplicates;
    this.dropped.rejected += answer.rejected.length;
    if (answer.rejected.length > 0) {
      const examples = answer.rejected.slice(0, 3).map((r) => `${r.id ?? `#${r.index}`}: ${r.errors.join(', ')}`);
      const more = answer.rejected.length > 3 ? `; and ${answer.rejected.length - 3} more` : '';
      const rejectedIds = answer.rejected.map((r) => batch[r.index]?.event.id ?? r.id ?? '').filter((id) => id !== '');
      this.report(new LedgerClientError('rejected', `the service rejected ${answer.rejected.length} of ${batch.length} events: ${examples.join('; ')}${more}`, { eventIds: rejectedIds, status: 200 }));
    }
    if (answer.accepted + answer.duplicates + answer.rejected.length !== batch.length) {
      this.report(new LedgerClientError('internal', `the service's answer counts ${answer.accepted + answer.duplicates + answer.rejected.length} events for a batch of ${batch.length}`));
    }
  }

  private armFlushTimer(): void {
    if (this.flushTimer !== undefined || this.queue.length === 0) return;
    this.flushTimer = backgroundTimeout(() => {
      this.flushTimer = undefined;
      this.sendThrough = Math.max(this.sendThrough, this.lastSeq);
      this.startSending();
    }, this.flushIntervalMs);
  }

  /** Every event up to this sequence number is acknowledged or dropped (sending is in order). */
  private settledThrough(): number {
    const oldestPending = this.inFlight[0] ?? this.queue.peek();
    return oldestPending === undefined ? this.lastSeq : oldestPending.seq - 1;
  }

  private settle(): void {
    const through = this.settledThrough();
    const waiting: FlushWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.through <= through) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
    if (waiting.length === 0 && this.releaseProcess !== undefined) {
      this.releaseProcess();
      this.releaseProcess = undefined;
    }
  }

  private recordCall(provider: string, model: string, started: number, options: TrackOptions, classify: () => CallClassification): void {
    try {
      const latencyMs = Math.max(0, Math.round(monotonicNow() - started));
      const { outcome, httpStatus, errorCode } = classify();
      this.record({ id: options.id, provider, model, outcome, httpStatus, errorCode, latencyMs });
    } catch (error) {
      this.report(new LedgerClientError('internal', `a tracked call could not be recorded: ${describe(error)}`, { cause: error }));
    }
  }

  private classifyFailure(error: unknown, options: TrackOptions): CallClassification {
    try {
      const custom = options.classifyError?.(error);
      if (custom !== undefined) return custom;
    } catch (problem) {
      this.report(new LedgerClientError('internal', `classifyError threw; the built-in rules were used: ${describe(problem)}`, { cause: problem }));
    }
    return classifyError(error);
  }

  /** Counts a drop found by record(); reports it unless one of its kind was reported within the last second. */
  private dropAtRecord(reason: DropReason, id: string | null, message: string): void {
    this.dropped[reason] += 1;
    const now = Date.now();
    const last = this.lastRecordProblem.get(reason);
    if (last !== undefined && now - last.reportedAt < RECORD_PROBLEM_REPORT_INTERVAL_MS) {
      last.unreported += 1;
      return;
    }
    this.lastRecordProblem.set(reason, { reportedAt: now, unreported: 0 });
    const since = last !== undefined && last.unreported > 0 ? ` (and ${last.unreported} more since the last report)` : '';
    this.report(new LedgerClientError(reason, `${message}${since}`, { eventIds: id === null ? [] : [id] }));
  }

  private report(problem: LedgerClientError): void {
    try {
      this.onError(problem);
    } catch {
      // The caller's handler failing must not break recording or sending.
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`LedgerClient: ${name} must be a positive integer, not ${String(value)}`);
  return value;
}

function ids(batch: readonly QueuedEvent[]): string[] {
  return batch.map((queued) => queued.event.id);
}

function idOf(event: OutcomeEventInput): string | null {
  return typeof event?.id === 'string' ? event.id : null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function monotonicNow(): number {
  const performance = (globalThis as { performance?: { now(): number } }).performance;
  return performance?.now() ?? Date.now();
}
