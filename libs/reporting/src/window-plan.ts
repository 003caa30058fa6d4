/** A range of minutes [start, end), as minute indexes since the epoch. */
export type MinuteRange = readonly [number, number];

/** Summary spans in minutes, coarsest first: ten-day blocks (aligned on the epoch), UTC days, hours. */
export const BLOCK = 14_400;
export const DAY = 1_440;
export const HOUR = 60;
export type SummarySpan = typeof BLOCK | typeof DAY | typeof HOUR;

/** How a window of whole minutes is read: summary rows per span, and minute rollups at the ragged edges. */
export interface WindowPlan {
  spans: { span: SummarySpan; ranges: MinuteRange[] }[];
  minutes: MinuteRange[];
}

/**
 * Splits the minutes [from, to) (minute indexes) greedily into whole blocks, then whole days, then
 * whole hours, and the minutes left at either edge. Blocks and days are used only before
 * `daysEnd`, where their rows exist; hours everywhere.
 */
export function planWindow(from: number, to: number, daysEnd: number | null): WindowPlan {
  const levels: { span: SummarySpan; end: number }[] = [
    { span: BLOCK, end: daysEnd ?? -Infinity },
    { span: DAY, end: daysEnd ?? -Infinity },
    { span: HOUR, end: Infinity },
  ];
  const plan: WindowPlan = { spans: levels.map((l) => ({ span: l.span, ranges: [] })), minutes: [] };
  const cover = (a: number, b: number, level: number): void => {
    if (!(a < b)) return;
    if (level === levels.length) {
      plan.minutes.push([a, b]);
      return;
    }
    const { span, end } = levels[level]!;
    const x0 = Math.ceil(a / span) * span;
    const x1 = Math.min(Math.floor(b / span) * span, Math.floor(end / span) * span);
    if (x0 < x1) {
      plan.spans[level]!.ranges.push([x0, x1]);
      cover(a, x0, level + 1);
      cover(x1, b, level + 1);
    } else {
      cover(a, b, level + 1);
    }
  };
  cover(from, to, 0);
  return plan;
}
