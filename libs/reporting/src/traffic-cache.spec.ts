import type { Tally } from '@ledger/domain';
import type { ReadModelVersion, RollupDayChange } from '@ledger/projections';
import type { ScopedTraffic } from './contract-traffic.repository';
import { CacheScope, mergePieces, periodChunks, Stretch, SummaryPiece, TrafficCache } from './traffic-cache';

const DAY = 86_400_000;
const MINUTE = 60_000;
const JUNE = { start: Date.UTC(2026, 5, 1), end: Date.UTC(2026, 6, 1) };
const scope = (key: string, platform = 'notion', provider = 'anthropic'): CacheScope => ({
  key, platform, provider, from: JUNE.start, to: JUNE.end, chunks: periodChunks(JUNE, null),
});
const at = (transactionId: number, globalPosition: number, generation = 1n): ReadModelVersion => ({
  position: { transactionId: BigInt(transactionId), globalPosition: BigInt(globalPosition) }, generation,
});
const summary = (events: number, minutes: [number, Tally][] = []): ScopedTraffic => ({
  events, traffic: { candidateMinutes: new Map(minutes), eligibleTotal: { eligible: events, failures: 0 }, windows: new Map() },
});
const whole = (events: number): SummaryPiece[] => [{ ...JUNE, traffic: summary(events) }];
/** June's day `d` (1-based) as a stretch. */
const juneDay = (d: number): Stretch => ({ start: JUNE.start + (d - 1) * DAY, end: JUNE.start + d * DAY });
const change = (platform: string, provider: string, day: number, position: ReadModelVersion): RollupDayChange => ({
  platform, provider, day: Math.floor(day / DAY) * DAY, position: position.position,
});

describe('periodChunks', () => {
  it('cuts a period at UTC midnights', () => {
    expect(periodChunks(JUNE, null)).toHaveLength(30);
    // A month in Berlin (UTC+2 in June) starts and ends at 22:00 UTC: two short chunks at its ends.
    const berlin = { start: Date.UTC(2026, 4, 31, 22), end: Date.UTC(2026, 5, 30, 22) };
    const chunks = periodChunks(berlin, null);
    expect(chunks[0]).toEqual({ start: berlin.start, end: JUNE.start });
    expect(chunks.at(-1)).toEqual({ start: Date.UTC(2026, 5, 30), end: berlin.end });
    expect(chunks).toHaveLength(31);
  });

  it('cuts a period of windows at window boundaries counted from its start, never inside one', () => {
    for (const windowMinutes of [1, 5, 7, 60, 1_440, 2_000]) {
      const chunks = periodChunks(JUNE, windowMinutes);
      expect(chunks[0]!.start).toBe(JUNE.start);
      expect(chunks.at(-1)!.end).toBe(JUNE.end);
      chunks.forEach((chunk, i) => {
        if (i > 0) expect(chunk.start).toBe(chunks[i - 1]!.end);
        if (i < chunks.length - 1) expect((chunk.end - JUNE.start) % (windowMinutes * MINUTE)).toBe(0);
      });
    }
    expect(periodChunks(JUNE, 60)).toHaveLength(30);
    expect(periodChunks(JUNE, 7)[0]!.end - JUNE.start).toBe(205 * 7 * MINUTE); // 205 windows: 1,435 minutes
  });
});

describe('mergePieces', () => {
  it('adds the pieces of a period up', () => {
    const a = summary(10, [[100, { eligible: 5, failures: 5 }]]);
    const b: ScopedTraffic = {
      events: 7, traffic: { candidateMinutes: new Map([[2_000, { eligible: 3, failures: 1 }]]), eligibleTotal: { eligible: 6, failures: 2 }, windows: new Map([[4, { eligible: 6, failures: 2 }]]) },
    };
    expect(mergePieces([{ ...juneDay(2), traffic: b }, { ...juneDay(1), traffic: a }])).toEqual({
      events: 17,
      traffic: {
        eligibleTotal: { eligible: 16, failures: 2 },
        candidateMinutes: new Map([[100, { eligible: 5, failures: 5 }], [2_000, { eligible: 3, failures: 1 }]]),
        windows: new Map([[4, { eligible: 6, failures: 2 }]]),
      },
    });
  });
});

describe('TrafficCache', () => {
  it('keeps a summary while no day of its platform, provider and period changed after it was read', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, whole(10), at(5, 50));
    expect(cache.oldestPosition([june])).toEqual(at(5, 50).position);
    const unrelated = [
      change('acme', 'anthropic', JUNE.start + 1, at(6, 60)),
      change('notion', 'openai', JUNE.start + 1, at(6, 60)),
      change('notion', 'anthropic', JUNE.end, at(6, 60)), // July 1st
      change('notion', 'anthropic', JUNE.start - 1, at(6, 60)), // May 31st
      change('notion', 'anthropic', JUNE.start, at(5, 50)), // at the position read: already in the summary
    ];
    expect(cache.plan(june, at(5, 50).position, at(7, 70), unrelated)).toEqual({ kept: whole(10), stale: [] });
  });

  it('reads a whole period again day by day once a day of it changed, and from then on only the days that change', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, whole(10), at(5, 50));
    const first = cache.plan(june, at(5, 50).position, at(6, 60), [change('notion', 'anthropic', juneDay(7).start + 5 * MINUTE, at(6, 60))]);
    expect(first).toEqual({ kept: [], stale: periodChunks(JUNE, null) });

    cache.put(june, first!.stale.map((day) => ({ ...day, traffic: summary(1) })), at(6, 60));
    const second = cache.plan(june, at(6, 60).position, at(8, 80), [
      change('notion', 'anthropic', juneDay(7).start, at(7, 70)), change('notion', 'anthropic', juneDay(30).start, at(8, 80)),
    ]);
    expect(second!.stale).toEqual([juneDay(7), juneDay(30)]);
    expect(second!.kept.map((p) => p.start)).toEqual(periodChunks(JUNE, null).filter((_, i) => i !== 6 && i !== 29).map((c) => c.start));
  });

  it('reads the period whole when a rebuild swapped in a new generation, the checkpoint went back, or the entry predates the changes', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, whole(10), at(5, 50));
    expect(cache.plan(june, at(5, 50).position, at(5, 50, 2n), [])).toBeNull();
    expect(cache.plan(june, at(4, 40).position, at(4, 40), [])).toBeNull();
    // Changes listed from (6, 60) say nothing of (5, 50)..(6, 60).
    expect(cache.plan(june, at(6, 60).position, at(8, 80), [])).toBeNull();
    expect(cache.plan(scope('july'), at(5, 50).position, at(5, 50), [])).toBeNull();
    expect(cache.plan(june, at(5, 50).position, at(5, 50), [])).toEqual({ kept: whole(10), stale: [] });
  });

  it('keeps the later of two readings of a scope', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, whole(11), at(8, 80));
    cache.put(june, whole(10), at(5, 50)); // a slower request that read earlier
    expect(cache.plan(june, at(8, 80).position, at(8, 80), [])!.kept).toEqual(whole(11));
    cache.put(june, whole(12), at(1, 10, 2n)); // another generation: replaces whatever its position
    expect(cache.plan(june, at(1, 10).position, at(1, 10, 2n), [])!.kept).toEqual(whole(12));
  });

  it('answers per scope', () => {
    const cache = new TrafficCache();
    cache.put(scope('a'), whole(1), at(5, 50));
    cache.put(scope('b', 'acme'), whole(2), at(6, 60));
    const scopes = [scope('a'), scope('b', 'acme'), scope('c')];
    expect(cache.oldestPosition(scopes)).toEqual(at(5, 50).position);
    const changes = [change('acme', 'anthropic', JUNE.start, at(7, 70))];
    expect(scopes.map((s) => cache.plan(s, at(5, 50).position, at(7, 70), changes)?.stale.length ?? null)).toEqual([0, 30, null]);
  });

  it('holds a bounded number of tallies, dropping the oldest entries first', () => {
    const cache = new TrafficCache();
    const heavy = (events: number): SummaryPiece[] => [{
      ...JUNE, traffic: summary(events, Array.from({ length: 40_000 }, (_, m): [number, Tally] => [m, { eligible: 1, failures: 1 }])),
    }];
    const scopes = Array.from({ length: 13 }, (_, i) => scope(`s${i}`));
    scopes.forEach((s, i) => cache.put(s, heavy(i), at(5, 50)));
    const held = scopes.map((s) => cache.plan(s, at(5, 50).position, at(5, 50), []));
    expect(held[0]).toBeNull();
    expect(held.slice(1).map((plan) => plan?.kept[0]!.traffic.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
