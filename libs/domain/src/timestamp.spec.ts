import fc from 'fast-check';
import { canonicalIso, parseRfc3339 } from './timestamp';

describe('parseRfc3339', () => {
  it('reads offsets and fractions', () => {
    expect(parseRfc3339('2026-06-07T09:02:13Z')).toBe(Date.UTC(2026, 5, 7, 9, 2, 13));
    expect(parseRfc3339('2026-06-07T11:02:13.5+02:00')).toBe(Date.UTC(2026, 5, 7, 9, 2, 13, 500));
    expect(parseRfc3339('2026-06-06T23:32:13.123456-09:30')).toBe(Date.UTC(2026, 5, 7, 9, 2, 13, 123));
  });

  it('checks the calendar', () => {
    expect(parseRfc3339('2028-02-29T00:00:00Z')).not.toBeNull();
    expect(parseRfc3339('2026-02-29T00:00:00Z')).toBeNull();
    expect(parseRfc3339('2026-04-31T00:00:00Z')).toBeNull();
    expect(parseRfc3339('2026-13-01T00:00:00Z')).toBeNull();
    expect(parseRfc3339('2026-06-07T09:60:00Z')).toBeNull();
  });

  it('reads the four-digit year as written, leap years by the Gregorian rule', () => {
    expect(parseRfc3339('0050-03-01T00:00:00.000Z')).toBe(new Date('0050-03-01T00:00:00.000Z').getTime());
    expect(parseRfc3339('0050-03-01T00:00:00Z')).toBe(new Date('0050-03-01T00:00:00.000Z').getTime());
    expect(parseRfc3339('0000-02-29T00:00:00.000Z')).not.toBeNull();
    expect(parseRfc3339('2000-02-29T00:00:00Z')).not.toBeNull();
    expect(parseRfc3339('1900-02-29T00:00:00.000Z')).toBeNull();
    expect(parseRfc3339('2100-02-29T00:00:00Z')).toBeNull();
  });

  it('refuses the canonical shape with anything but ASCII digits in it', () => {
    expect(parseRfc3339('2026-06-07T09:02:13.51xZ')).toBeNull();
    expect(parseRfc3339('２０２６-06-07T09:02:13.512Z')).toBeNull();
    expect(parseRfc3339('2026-06-07T09:02:13.5 2Z')).toBeNull();
  });

  it('agrees with Date for every ISO string Date writes', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(parseRfc3339(d.toISOString())).toBe(d.getTime());
      }),
    );
  });
});

describe('canonicalIso', () => {
  it('writes any accepted form as the UTC instant to the millisecond', () => {
    const write = (s: string) => canonicalIso(s, parseRfc3339(s)!);
    expect(write('2026-06-07T09:02:13.512Z')).toBe('2026-06-07T09:02:13.512Z');
    expect(write('2026-06-07T11:02:13.5+02:00')).toBe('2026-06-07T09:02:13.500Z');
    expect(write('2026-06-07t09:02:13z')).toBe('2026-06-07T09:02:13.000Z');
    expect(write('2026-06-07T09:02:13.123999Z')).toBe('2026-06-07T09:02:13.123Z');
  });
});
