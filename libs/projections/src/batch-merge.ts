import { NO_OUTCOMES } from '@ledger/domain';
import type { SeriesHour, SummedHour } from './hour-rollup.repository';
import { HourSummer, MinuteChange, MinuteSums, summedHour } from './hour-sums';
import type { FoldedLog } from './log-fold';
import { foldedRollup, mergeRollups, MinuteRollup } from './minute-rollup';
import type { SeriesWindow } from './series-window';

/** What a batch does to the stored rollups and their hours. */
export interface MergedBatch {
  /** The stored rollups with the batch's counts added. */
  merged: MinuteRollup[];
  /** Per rollup of the batch: 1 when its key is not stored (a new row). */
  isNew: Uint8Array;
  /** Hours whose minutes were all at hand (loaded, or the batch's): summed from them. */
  summed: SummedHour[];
  /** Hours partly outside what was loaded: their minutes' changes, applied to the stored hour. */
  changed: { hour: SeriesHour; changes: MinuteChange[] }[];
}

/**
 * Merges a folded batch into the rollups loaded for it, series by series in minute order: each
 * rollup is new or added to the stored one, and each hour it touches is summed from its
 * minutes when the loaded windows cover it whole, or else described by its changed minutes.
 * `windows` and `stored` are per series of the batch (indexed like `folded.series`), in minute order.
 */
export function mergeBatch(folded: FoldedLog, windows: readonly (readonly SeriesWindow[])[], stored: readonly (readonly MinuteRollup[])[]): MergedBatch {
  const batch: MergedBatch = { merged: [], isNew: new Uint8Array(folded.minute.length), summed: [], changed: [] };
  folded.series.forEach(({ provider, model, platform }, index) => {
    const rows = stored[index]!;
    const covered = (hour: number) => windows[index]!.some((w) => w.from <= hour && w.to >= hour + 60);
    let next = 0; // the first stored row not yet passed
    let hour = -1;
    let minutes: MinuteSums[] = [];
    let changes: MinuteChange[] = [];
    /** Takes the stored rows before `minute` that are in the current hour (unchanged minutes), skipping earlier ones. */
    const passStoredBefore = (minute: number) => {
      for (; next < rows.length && rows[next]!.minute < minute; next++) if (rows[next]!.minute >= hour) minutes.push(rows[next]!);
    };
    const endHour = () => {
      if (hour < 0) return;
      passStoredBefore(hour + 60);
      const seriesHour = { platform, provider, model, hour };
      if (covered(hour)) batch.summed.push({ hour: seriesHour, sums: summedHour(minutes) });
      else batch.changed.push({ hour: seriesHour, changes });
      minutes = [];
      changes = [];
    };
    for (const r of folded.rollupsOfSeries[index]!) {
      const minute = folded.minute[r]!;
      const start = Math.floor(minute / 60) * 60;
      if (start !== hour) {
        endHour();
        hour = start;
      }
      passStoredBefore(minute);
      const existing = next < rows.length && rows[next]!.minute === minute ? rows[next++]! : undefined;
      const addedStatuses = folded.errorStatuses(r);
      if (existing === undefined) {
        batch.isNew[r] = 1;
        const counts = folded.countsOf(r);
        changes.push({ before: null, after: counts, addedStatuses });
        minutes.push({ counts, errorStatuses: addedStatuses });
      } else {
        const rollup = mergeRollups(existing, foldedRollup(folded, index, r));
        batch.merged.push(rollup);
        changes.push({ before: existing.counts, after: rollup.counts, addedStatuses });
        minutes.push(rollup);
      }
    }
    endHour();
  });
  return batch;
}

/** Every series' hours of a folded log, summed from their minutes (a rebuild's; `mergeBatch` does the same for a batch, with what was stored). */
export function summedHoursOf(log: FoldedLog): SummedHour[] {
  const hours: SummedHour[] = [];
  const counts = { ...NO_OUTCOMES };
  log.series.forEach(({ provider, model, platform }, index) => {
    let hour: number | null = null;
    let summer = new HourSummer();
    // A series' rollups are in minute order.
    for (const r of log.rollupsOfSeries[index]!) {
      const start = Math.floor(log.minute[r]! / 60) * 60;
      if (start !== hour) {
        if (hour !== null) hours.push({ hour: { platform, provider, model, hour }, sums: summer.sums() });
        hour = start;
        summer = new HourSummer();
      }
      Object.assign(counts, NO_OUTCOMES);
      log.addCountsTo(counts, r);
      summer.add(counts, log.errorStatuses(r));
    }
    if (hour !== null) hours.push({ hour: { platform, provider, model, hour }, sums: summer.sums() });
  });
  return hours;
}
