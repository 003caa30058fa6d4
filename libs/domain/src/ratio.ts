/** An exact non-negative rational, for thresholds such as "0.05" compared with counts. */
export interface Ratio {
  numerator: number;
  denominator: number;
}

/** Parses a decimal string ("0.75", "1", ".5") into an exact ratio. */
export function parseRatio(decimal: string): Ratio {
  const match = /^(\d*)(?:\.(\d{1,9}))?$/.exec(decimal.trim());
  if (!match || (match[1] === '' && match[2] === undefined)) throw new Error(`not a non-negative decimal: ${decimal}`);
  const fraction = match[2] ?? '';
  const denominator = 10 ** fraction.length;
  return { numerator: Number(match[1] || '0') * denominator + Number(fraction || '0'), denominator };
}

/** failures / eligible ≥ threshold, compared exactly in integers (eligible > 0). */
export function rateAtLeast(failures: number, eligible: number, threshold: Ratio): boolean {
  return failures * threshold.denominator >= threshold.numerator * eligible;
}
