import type { ProblemKind } from './types';

export interface ProblemDetails {
  /** The events concerned (empty when unknown). */
  eventIds?: readonly string[];
  /** The HTTP status of the answer, when there was one. */
  status?: number | null;
  /** For `retrying`: how long the client waits before the next attempt. */
  retryInMs?: number | null;
  cause?: unknown;
}

/** What the client hands to `onError`: reported, never thrown. `kind` says what happened. */
export class LedgerClientError extends Error {
  override readonly name = 'LedgerClientError';
  readonly eventIds: readonly string[];
  readonly status: number | null;
  readonly retryInMs: number | null;

  constructor(
    readonly kind: ProblemKind,
    message: string,
    details: ProblemDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.eventIds = details.eventIds ?? [];
    this.status = details.status ?? null;
    this.retryInMs = details.retryInMs ?? null;
  }
}
