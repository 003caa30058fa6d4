import { parseStatuspageFeed, sameIncident } from './statuspage-feed';

const incident = (over: Record<string, unknown> = {}) => ({
  id: 'p0abc', name: 'Elevated errors on Claude Opus', status: 'resolved', impact: 'major',
  created_at: '2026-06-07T09:26:00.000Z', updated_at: '2026-06-07T21:00:00.000Z', resolved_at: '2026-06-07T20:58:00.000Z',
  shortlink: 'https://stspg.io/x',
  components: [{ id: 'c2', name: 'Claude API' }, { id: 'c1', name: 'Claude API' }, { id: 'c3', name: 'Console' }],
  incident_updates: [
    { id: 'u2', status: 'resolved', body: 'This incident has been resolved.', created_at: '2026-06-07T20:58:00Z' },
    { id: 'u1', status: 'investigating', body: 'We are investigating elevated errors.', created_at: '2026-06-07T05:26:00-04:00' },
  ],
  ...over,
});

describe('parseStatuspageFeed', () => {
  it('reads a Statuspage incident: instants, components without repeats, updates oldest first', () => {
    const parsed = parseStatuspageFeed({ page: { id: 'x', name: 'Anthropic' }, incidents: [incident()] });
    expect(parsed).toEqual({
      ok: true,
      incidents: [{
        incidentId: 'p0abc', name: 'Elevated errors on Claude Opus', status: 'resolved', impact: 'major',
        createdAt: Date.UTC(2026, 5, 7, 9, 26), resolvedAt: Date.UTC(2026, 5, 7, 20, 58), components: ['Claude API', 'Console'],
        updates: [
          { status: 'investigating', body: 'We are investigating elevated errors.', createdAt: Date.UTC(2026, 5, 7, 9, 26) },
          { status: 'resolved', body: 'This incident has been resolved.', createdAt: Date.UTC(2026, 5, 7, 20, 58) },
        ],
      }],
    });
  });

  it('takes an unresolved incident without components or updates', () => {
    const parsed = parseStatuspageFeed({ incidents: [{ id: 7, name: 'n', status: 'investigating', impact: 'minor', created_at: '2026-06-07T09:26:00Z', resolved_at: null }] });
    expect(parsed.ok && parsed.incidents[0]).toMatchObject({ incidentId: '7', resolvedAt: null, components: [], updates: [] });
  });

  it('names every problem with its place and refuses the whole feed', () => {
    expect(parseStatuspageFeed('<html>')).toEqual({ ok: false, problems: ['the body must be a Statuspage incidents.json: an object with an "incidents" array'] });
    expect(parseStatuspageFeed({ incidents: 'x' })).toEqual({ ok: false, problems: ['the body must be a Statuspage incidents.json: an object with an "incidents" array'] });
    const parsed = parseStatuspageFeed({
      incidents: [
        incident(),
        incident({ id: 'b', impact: 'catastrophic', created_at: '2026-06-07' }),
        incident({ id: 'c', incident_updates: [{ status: 'resolved', body: 'x', created_at: 'yesterday' }] }),
        incident({ id: 'd', resolved_at: '2026-06-07T08:00:00Z' }),
        incident(),
      ],
    });
    expect(parsed).toEqual({
      ok: false,
      problems: [
        'incidents[1].impact: impact must be one of none, minor, major, critical, maintenance',
        'incidents[1].created_at: created_at must be an RFC 3339 timestamp with an offset',
        'incidents[2].incident_updates[0].created_at: created_at must be an RFC 3339 timestamp with an offset',
        'incidents[3].resolved_at: 2026-06-07T08:00:00Z is before created_at 2026-06-07T09:26:00.000Z',
        'incidents[4].id: incident "p0abc" appears twice',
      ],
    });
  });
});

describe('sameIncident', () => {
  const parse = (over: Record<string, unknown> = {}) => {
    const parsed = parseStatuspageFeed({ incidents: [incident(over)] });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    return parsed.incidents[0]!;
  };

  it('ignores what does not change what the provider said (updated_at, shortlink, order of components)', () => {
    expect(sameIncident(parse(), parse({ updated_at: '2026-06-08T00:00:00Z', shortlink: 'https://stspg.io/y', components: [{ name: 'Console' }, { name: 'Claude API' }] }))).toBe(true);
  });

  it('tells a changed incident: a new update, a resolution, another impact', () => {
    expect(sameIncident(parse(), parse({ resolved_at: null }))).toBe(false);
    expect(sameIncident(parse(), parse({ impact: 'critical' }))).toBe(false);
    expect(sameIncident(parse(), parse({ incident_updates: [] }))).toBe(false);
  });
});
