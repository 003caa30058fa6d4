import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { Outcome } from '@ledger/domain';

/** Column types: int8 and xid8 arrive as `bigint`, timestamptz as `Date` (see type-parsers.ts). */
export interface OutcomeEventTable {
  global_position: GeneratedAlways<bigint>;
  transaction_id: Generated<bigint>;
  platform: string;
  event_id: string;
  provider: string;
  model: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  outcome: Outcome;
  http_status: number | null;
  error_code: string | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  recorded_at: Generated<Date>;
}
export type OutcomeEventRow = Selectable<OutcomeEventTable>;
export type NewOutcomeEventRow = Insertable<OutcomeEventTable>;

export interface AdminEventTable {
  global_position: GeneratedAlways<bigint>;
  transaction_id: Generated<bigint>;
  type: string;
  data: ColumnType<unknown, string, never>;
  actor: string | null;
  recorded_at: Generated<Date>;
}
export type AdminEventRow = Selectable<AdminEventTable>;

export interface ApiKeyTable {
  id: string;
  platform: string | null;
  name: string | null;
  scopes: string[];
  secret_hash: Buffer;
  created_at: ColumnType<Date, Date | string, never>;
  revoked_at: Date | null;
}
export type ApiKeyRow = Selectable<ApiKeyTable>;

export interface DB {
  outcome_events: OutcomeEventTable;
  admin_events: AdminEventTable;
  api_keys: ApiKeyTable;
}
