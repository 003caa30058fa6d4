export { LedgerClient, MAX_BATCH_SIZE, type LedgerClientOptions, type TrackOptions } from './client';
export { classifyError, classifyResult, type CallClassification } from './classify';
export { LedgerClientError, type ProblemDetails } from './ledger-client-error';
export { parseRetryAfterMs } from './backoff';
export {
  OUTCOMES,
  type DropCounts,
  type DropReason,
  type FetchLike,
  type FetchRequestInit,
  type FetchResponseLike,
  type LedgerStats,
  type Outcome,
  type OutcomeEventInput,
  type ProblemKind,
} from './types';
