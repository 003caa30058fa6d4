import { formatDay, formatDuration, formatMinute, percentFloor } from './format';

describe('percentFloor', () => {
  it('rounds down, so any failure keeps a figure below 100', () => {
    expect(percentFloor(129_599, 129_600)).toBe('99.99');
    expect(percentFloor(1, 3)).toBe('33.33');
    expect(percentFloor(2, 3)).toBe('66.66');
    expect(percentFloor(5, 5)).toBe('100.00');
    expect(percentFloor(0, 7)).toBe('0.00');
  });

  it('is exact for counts beyond what a double holds exactly once scaled', () => {
    expect(percentFloor(9_007_199_254_740_990, 9_007_199_254_740_991, 4)).toBe('99.9999');
  });

  it('refuses an empty denominator', () => {
    expect(() => percentFloor(0, 0)).toThrow(RangeError);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 min'],
    [30, '30 min'],
    [60, '1 h'],
    [125, '2 h 5 min'],
    [1440, '1 d'],
    [1440 * 3 + 240, '3 d 4 h'],
  ])('%i minutes → %s', (minutes, text) => expect(formatDuration(minutes)).toBe(text));
});

describe('dates', () => {
  it('names UTC days and minutes', () => {
    const day = Date.UTC(2026, 5, 7) / 86_400_000;
    expect(formatDay(day)).toBe('Sun 7 Jun 2026');
    expect(formatMinute(Date.UTC(2026, 5, 7, 9, 1) / 60_000)).toBe('7 Jun 2026, 09:01 UTC');
  });
});
