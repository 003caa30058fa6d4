import fc from 'fast-check';
import { MINUTE_STATUSES } from './detection';
import { groupIncidents, joinSpans, ModelOutage } from './incidents';

describe('groupIncidents (concepts §5)', () => {
  it('groups overlapping outages and those within the merge gap, across models', () => {
    const outages: ModelOutage[] = [
      { model: 'opus-7', start: 62, end: 86, severity: 'major_outage' },
      { model: 'opus-8', start: 61, end: 63, severity: 'degraded' },
      { model: 'opus-8', start: 64, end: 91, severity: 'partial_outage' },
      { model: 'opus-7', start: 88, end: 89, severity: 'degraded' }, // 2 minutes after 86: within the gap
      { model: 'opus-7', start: 95, end: 96, severity: 'degraded' }, // 4 minutes after 91: a new incident
    ];
    const incidents = groupIncidents(outages, 2);
    expect(incidents.map(({ members: _members, ...incident }) => incident)).toEqual([
      { start: 61, end: 91, severity: 'major_outage', models: ['opus-7', 'opus-8'], outages: 4 },
      { start: 95, end: 96, severity: 'degraded', models: ['opus-7'], outages: 1 },
    ]);
    expect(incidents.map((i) => i.members)).toEqual([[outages[1], outages[0], outages[2], outages[3]], [outages[4]]]);
  });

  it('equals a brute-force grouping: connect any two outages whose ranges come within the gap', () => {
    const outageArb = fc.record({
      model: fc.constantFrom('a', 'b', 'c'),
      start: fc.integer({ min: 0, max: 200 }),
      length: fc.integer({ min: 1, max: 20 }),
      severity: fc.constantFrom(...MINUTE_STATUSES.slice(2)),
    });
    fc.assert(
      fc.property(fc.array(outageArb, { maxLength: 25 }), fc.integer({ min: 0, max: 5 }), (raw, gap) => {
        const outages: ModelOutage[] = raw.map(({ length, ...o }) => ({ ...o, end: o.start + length }));
        const actual = groupIncidents(outages, gap);
        // Union-find over all pairs.
        const parent = outages.map((_, i) => i);
        const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
        outages.forEach((a, i) =>
          outages.forEach((b, j) => {
            const distance = Math.max(a.start, b.start) - Math.min(a.end, b.end);
            if (distance <= gap) parent[find(i)] = find(j);
          }),
        );
        const groups = new Map<number, ModelOutage[]>();
        outages.forEach((o, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), o]));
        const inOrder = (list: ModelOutage[]) => [...list].sort((a, b) => a.start - b.start || a.end - b.end || a.model.localeCompare(b.model));
        const expected = [...groups.values()]
          .map((g) => ({
            start: Math.min(...g.map((o) => o.start)),
            end: Math.max(...g.map((o) => o.end)),
            severity: MINUTE_STATUSES[Math.max(...g.map((o) => MINUTE_STATUSES.indexOf(o.severity)))],
            models: [...new Set(g.map((o) => o.model))].sort(),
            outages: g.length,
            members: inOrder(g),
          }))
          .sort((x, y) => x.start - y.start);
        expect(actual.map((i) => ({ ...i, members: inOrder(i.members) }))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('joinSpans', () => {
  it('joins a provider\'s spans that overlap or lie within its merge gap, and no others', () => {
    const gaps: Record<string, number> = { a: 2, b: 0 };
    const joined = joinSpans(
      [
        { provider: 'a', from: 20, to: 30 },
        { provider: 'b', from: 10, to: 12 },
        { provider: 'a', from: 0, to: 10 },
        { provider: 'a', from: 12, to: 14 }, // 2 after 10: within the gap
        { provider: 'a', from: 33, to: 40 }, // 3 after 30: apart
        { provider: 'b', from: 12, to: 13 }, // touching: gap 0 still joins
        { provider: 'b', from: 14, to: 15 },
        { provider: 'a', from: 35, to: 36 }, // inside
      ],
      (p) => gaps[p]!,
    );
    expect(joined).toEqual([
      { provider: 'a', from: 0, to: 14 },
      { provider: 'a', from: 20, to: 30 },
      { provider: 'a', from: 33, to: 40 },
      { provider: 'b', from: 10, to: 13 },
      { provider: 'b', from: 14, to: 15 },
    ]);
  });

  it('leaves no two outages that could chain in different spans', () => {
    const spanArb = fc.record({ provider: fc.constantFrom('a', 'b'), from: fc.integer({ min: 0, max: 100 }), length: fc.integer({ min: 1, max: 15 }) });
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 12 }), fc.integer({ min: 0, max: 5 }), (raw, gap) => {
        const spans = raw.map(({ length, ...s }) => ({ ...s, to: s.from + length }));
        const joined = joinSpans(spans, () => gap);
        // Every span lies within one joined span; joined spans of a provider lie more than the gap apart.
        for (const s of spans) expect(joined.filter((j) => j.provider === s.provider && j.from <= s.from && s.to <= j.to)).toHaveLength(1);
        for (const [i, j] of joined.entries()) {
          const next = joined[i + 1];
          if (next?.provider === j.provider) expect(next.from - j.to).toBeGreaterThan(gap);
        }
        // And each joined span is covered by the spans (nothing is invented in between beyond the gap).
        const minutes = joined.reduce((n, j) => n + j.to - j.from, 0);
        expect(minutes).toBeLessThanOrEqual(spans.reduce((n, s) => n + s.to - s.from, 0) + gap * spans.length);
      }),
      { numRuns: 300 },
    );
  });
});
