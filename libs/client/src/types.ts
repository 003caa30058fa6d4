/** The five outcomes the service knows (docs/concepts.md §2). */
export const OUTCOMES = ['success', 'error', 'timeout', 'rate_limited', 'client_error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One provider request's outcome, as handed to `record()`. */
export interface OutcomeEventInput {
  /** 1–128 characters, unique per platform and UTC day. Generated (a UUID) when absent: once, at `record()`. */
  id?: string;
  /** A lowercase slug: `[a-z0-9][a-z0-9._-]{0,63}`. */
  provider: string;
  /** A lowercase slug of at most 128 characters. */
  model: string;
  /** When the outcome was observed: an RFC 3339 string with an offset, a Date or epoch milliseconds. Defaults to the time of `record()`. */
  occurredAt?: string | Date | number;
  outcome: Outcome;
  /** An integer 100–599. */
  httpStatus?: number | null;
  /** The provider's error type (`overloaded_error`); cut to 128 characters. */
  errorCode?: string | null;
  /** Total request time; rounded to whole milliseconds. */
  latencyMs?: number | null;
  /** Time to first token; rounded to whole milliseconds. */
  ttftMs?: number | null;
}

/** An event as it is sent: checked, with its id and time fixed once and for all (so every retry is identical). */
export interface WireEvent {
  id: string;
  provider: string;
  model: string;
  occurredAt: string;
  outcome: Outcome;
  httpStatus?: number;
  errorCode?: string;
  latencyMs?: number;
  ttftMs?: number;
}

/** The part of a fetch Response the client reads. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The request the client makes; the global `fetch` accepts it, and so do most fetch implementations. */
export interface FetchRequestInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export type FetchLike = (url: string, init: FetchRequestInit) => Promise<FetchResponseLike>;

/** Why an event was given up on; each reason has its own counter in `stats().dropped`. */
export type DropReason =
  /** `record()` got an event the service would refuse (checked locally, by the service's rules). */
  | 'invalid'
  /** `record()` found `maxQueue` events waiting: the new event is dropped (the queued ones are kept). */
  | 'queueFull'
  /** The service refused this event in its answer (`200` with the event in `rejected`): sending it again would not help. */
  | 'rejected'
  /** The whole batch was answered with a 4xx other than 408 and 429 (a wrong key, a missing scope): not retried. */
  | 'batchRefused'
  /** `record()` after `close()`. */
  | 'closed'
  /** Still unsent when the time given to `close({ timeoutMs })` ran out. */
  | 'closeTimeout';

export type DropCounts = Record<DropReason, number>;

/**
 * The client's counters since it was created. At every moment
 * `recorded = accepted + duplicates + (sum of dropped) + queued + inFlight`.
 */
export interface LedgerStats {
  /** Calls to `record()`, including those made by `track()`. */
  recorded: number;
  /** Events the service stored (its `accepted`). */
  accepted: number;
  /** Events the service already had (a retry of a batch whose answer was lost). */
  duplicates: number;
  dropped: DropCounts;
  /** Batches sent again after a 408, 429, 5xx, a network error or a timeout. */
  retries: number;
  /** Events waiting to be sent (bounded by `maxQueue`). */
  queued: number;
  /** Events in the batch being sent or retried (never dropped by the bound). */
  inFlight: number;
}

/** What `onError` is told about. */
export type ProblemKind = DropReason | 'retrying' | 'internal';
