import fc from 'fast-check';
import { MINUTE_STATUSES } from './detection';
import { groupIncidents, ModelOutage } from './incidents';

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
