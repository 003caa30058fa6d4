import { sql } from 'kysely';
import { MINUTE_MS } from '@ledger/domain';
import type { SeriesKey } from './minute-rollup.repository';

/** A series' minutes [from, to) (minute indexes): the unit outages are derived again in. */
export interface SeriesWindow {
  series: SeriesKey;
  from: number;
  to: number;
}

/** How the outages table writes "all platforms" (a key column cannot be null). */
export const ALL_PLATFORMS = '';

const toIso = (minute: number) => new Date(minute * MINUTE_MS).toISOString();

/**
 * Windows as a table `w` to join with — provider, model, platform (`ALL_PLATFORMS` for a model's
 * series), from_minute, to_minute, and window_no (1-based, in the order given) — so that one
 * statement serves every window of a batch.
 */
export const windowsTable = (windows: readonly SeriesWindow[]) => sql`unnest(
    ${windows.map((w) => w.series.provider)}::text[], ${windows.map((w) => w.series.model)}::text[],
    ${windows.map((w) => w.series.platform ?? ALL_PLATFORMS)}::text[],
    ${windows.map((w) => toIso(w.from))}::timestamptz[], ${windows.map((w) => toIso(w.to))}::timestamptz[]
  ) WITH ORDINALITY AS w(provider, model, platform, from_minute, to_minute, window_no)`;
