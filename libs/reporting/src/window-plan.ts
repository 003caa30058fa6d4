import type { MinuteRange } from './vendor-summary.repository';

const HOUR = 60;
const DAY = 1440;

/** How a window of whole minutes is read: summary days, summary hours, and minute rollups at the ragged edges. */
export interface WindowPlan {
  days: MinuteRange | null;
  hours: MinuteRange[];
  minutes: MinuteRange[];
}

/**
 * Splits the minutes [from, to) (minute indexes) into whole UTC days before `daysEnd` (day rows
 * exist only there), whole hours, and the minutes left at either edge.
 */
export function planWindow(from: number, to: number, daysEnd: number | null): WindowPlan {
  const plan: WindowPlan = { days: null, hours: [], minutes: [] };
  if (!(from < to)) return plan;
  const d0 = Math.ceil(from / DAY) * DAY;
  const d1 = Math.min(Math.floor(to / DAY) * DAY, daysEnd === null ? -Infinity : Math.floor(daysEnd / DAY) * DAY);
  const rest: MinuteRange[] = d0 < d1 ? [[from, d0], [d1, to]] : [[from, to]];
  if (d0 < d1) plan.days = [d0, d1];
  for (const [a, b] of rest) {
    if (!(a < b)) continue;
    const h0 = Math.ceil(a / HOUR) * HOUR;
    const h1 = Math.floor(b / HOUR) * HOUR;
    if (h0 < h1) {
      plan.hours.push([h0, h1]);
      if (a < h0) plan.minutes.push([a, h0]);
      if (h1 < b) plan.minutes.push([h1, b]);
    } else {
      plan.minutes.push([a, b]);
    }
  }
  return plan;
}
