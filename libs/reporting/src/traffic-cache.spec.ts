import type { LogChange } from '@ledger/event-store';
import type { ReadModelVersion } from '@ledger/projections';
import type { ScopedTraffic } from './contract-traffic.repository';
import { CacheScope, TrafficCache } from './traffic-cache';

const JUNE = { from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 6, 1) };
const scope = (key: string, platform = 'notion', provider = 'anthropic'): CacheScope => ({ key, platform, provider, ...JUNE });
const at = (transactionId: number, globalPosition: number, generation = 1n): ReadModelVersion => ({
  position: { transactionId: BigInt(transactionId), globalPosition: BigInt(globalPosition) }, generation,
});
const summary = (events: number): ScopedTraffic => ({
  events, traffic: { candidateMinutes: new Map(), eligibleTotal: { eligible: events, failures: 0 }, windows: new Map() },
});
const change = (platform: string, provider: string, first: number, last = first): LogChange => ({ platform, provider, first, last });

describe('TrafficCache', () => {
  it('serves a summary while no folded event touches its platform, provider and period', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, summary(10), at(5, 50));
    expect(cache.oldestPosition([june])).toEqual(at(5, 50).position);
    const unrelated = [
      change('acme', 'anthropic', JUNE.from + 1),
      change('notion', 'openai', JUNE.from + 1),
      change('notion', 'anthropic', JUNE.to), // July
      change('notion', 'anthropic', JUNE.from - 1), // May
    ];
    expect(cache.take([june], at(5, 50).position, at(7, 70), unrelated)).toEqual([summary(10)]);
    // Taken at (7, 70): the next check starts there.
    expect(cache.oldestPosition([june])).toEqual(at(7, 70).position);
  });

  it('drops a summary an event of its period was folded into, also one spanning it', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, summary(10), at(5, 50));
    expect(cache.take([june], at(5, 50).position, at(6, 60), [change('notion', 'anthropic', JUNE.from)])).toEqual([undefined]);
    cache.put(june, summary(10), at(5, 50));
    expect(cache.take([june], at(5, 50).position, at(6, 60), [change('notion', 'anthropic', JUNE.from - 1, JUNE.to)])).toEqual([undefined]);
  });

  it('misses when the changes are unknown, a rebuild swapped in a new generation, or the checkpoint went back', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, summary(10), at(5, 50));
    expect(cache.take([june], at(5, 50).position, at(9, 90), null)).toEqual([undefined]);
    expect(cache.take([june], at(5, 50).position, at(5, 50, 2n), [])).toEqual([undefined]);
    expect(cache.take([june], at(4, 40).position, at(4, 40), [])).toEqual([undefined]);
    expect(cache.take([june], at(5, 50).position, at(5, 50), [])).toEqual([summary(10)]);
  });

  it('misses a summary read before the changes it is checked against begin', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, summary(10), at(5, 50));
    // Changes listed from (6, 60) say nothing of (5, 50)..(6, 60).
    expect(cache.take([june], at(6, 60).position, at(8, 80), [])).toEqual([undefined]);
  });

  it('keeps the later of two readings of a scope', () => {
    const cache = new TrafficCache();
    const june = scope('june');
    cache.put(june, summary(11), at(8, 80));
    cache.put(june, summary(10), at(5, 50)); // a slower request that read earlier
    expect(cache.take([june], at(8, 80).position, at(8, 80), [])).toEqual([summary(11)]);
    cache.put(june, summary(12), at(1, 10, 2n)); // another generation: replaces whatever its position
    expect(cache.take([june], at(1, 10).position, at(1, 10, 2n), [])).toEqual([summary(12)]);
  });

  it('answers per scope', () => {
    const cache = new TrafficCache();
    cache.put(scope('a'), summary(1), at(5, 50));
    cache.put(scope('b', 'acme'), summary(2), at(6, 60));
    const scopes = [scope('a'), scope('b', 'acme'), scope('c')];
    expect(cache.oldestPosition(scopes)).toEqual(at(5, 50).position);
    expect(cache.take(scopes, at(5, 50).position, at(7, 70), [change('acme', 'anthropic', JUNE.from)])).toEqual([summary(1), undefined, undefined]);
  });

  it('holds a bounded number of tallies, dropping the oldest entries first', () => {
    const cache = new TrafficCache();
    const heavy = (events: number): ScopedTraffic => ({
      ...summary(events),
      traffic: { ...summary(events).traffic, candidateMinutes: new Map(Array.from({ length: 40_000 }, (_, m) => [m, { eligible: 1, failures: 1 }])) },
    });
    const scopes = Array.from({ length: 13 }, (_, i) => scope(`s${i}`));
    scopes.forEach((s, i) => cache.put(s, heavy(i), at(5, 50)));
    const held = cache.take(scopes, at(5, 50).position, at(5, 50), []);
    expect(held[0]).toBeUndefined();
    expect(held.slice(1).map((t) => t?.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
