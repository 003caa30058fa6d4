import type { MinuteStatus } from '../detection';
import { coveredModels } from './component-coverage';
import { acknowledges, IncidentSpan, statusPageAccuracy } from './status-page-accuracy';

const MIN = 60_000;
const T = Date.UTC(2026, 5, 1);
const at = (minutes: number) => T + minutes * MIN;
const incident = (id: string, created: number, resolved: number | null, over: Partial<IncidentSpan> = {}): IncidentSpan =>
  ({ incidentId: id, impact: 'major', createdAt: at(created), resolvedAt: resolved === null ? null : at(resolved), models: ['a', 'b'], ...over });

describe('acknowledges', () => {
  const outage = { model: 'a', start: at(100), end: at(130) };

  it('counts an incident created up to, not at, 15 minutes after the outage ended', () => {
    expect(acknowledges(incident('x', 144.99, null), outage)).toBe(true);
    expect(acknowledges(incident('x', 145, null), outage)).toBe(false);
  });

  it('needs the incident still open at the outage start, its model covered, and an impact', () => {
    expect(acknowledges(incident('x', 50, 100), outage)).toBe(false);
    expect(acknowledges(incident('x', 50, 100.01), outage)).toBe(true);
    expect(acknowledges(incident('x', 110, null, { models: ['b'] }), outage)).toBe(false);
    expect(acknowledges(incident('x', 110, null, { impact: 'none' }), outage)).toBe(false);
    // An ongoing outage is acknowledged by an incident created any time after it started.
    expect(acknowledges(incident('x', 10_000, null), { ...outage, end: null })).toBe(true);
  });
});

describe('statusPageAccuracy', () => {
  it('gives the figures of a constructed month, each computed by hand', () => {
    // Bad minutes: each outage's, and one lone minute of b (2000).
    const badSpans: [string, number, number][] = [['a', 100, 130], ['b', 110, 120], ['a', 5000, 5040], ['b', 8000, 8006], ['b', 2000, 2001]];
    const report = statusPageAccuracy({
      from: at(0), to: at(30 * 1440), now: at(30 * 1440),
      outages: [
        { model: 'a', start: at(100), end: at(130) }, // acknowledged by i1, 25 min late
        { model: 'b', start: at(110), end: at(120) }, // acknowledged by i1 too (its delay counts from a's start)
        { model: 'a', start: at(5000), end: at(5040) }, // never acknowledged: 40 min
        { model: 'b', start: at(8000), end: at(8006) }, // i3 posted 2 minutes before it started
        { model: 'a', start: at(-30), end: at(20) }, // started before the window: not considered
      ],
      incidents: [
        incident('i1', 125, 700),
        incident('i2', 3000, 3060, { impact: 'minor' }), // no bad minute while open
        incident('i3', 7998, 8100, { models: ['b'] }),
        incident('i4', 1990, 2010, { models: ['b'] }), // b had a bad minute (2000): measured, acknowledges nothing
        incident('i5', 9000, 9100, { impact: 'none' }), // claims no impact: not counted against the page
      ],
      status: (model, minute): MinuteStatus => {
        const m = minute - T / MIN;
        return badSpans.some(([x, from, to]) => x === model && m >= from && m < to) ? 'partial_outage' : 'operational';
      },
    });
    expect(report).toMatchObject({
      outages: 4,
      acknowledgedOutages: 3,
      unacknowledgedOutageMinutes: 40,
      // Delays 25.0 (i1) and −2.0 (i3): the lower median of the two.
      medianAcknowledgementDelayMinutes: -2,
      incidentsWithoutMeasuredImpact: 1,
    });
    expect(report.perIncident).toEqual([
      { incidentId: 'i1', acknowledges: 2, acknowledgementDelayMinutes: 25, measuredImpact: true },
      { incidentId: 'i4', acknowledges: 0, acknowledgementDelayMinutes: null, measuredImpact: true },
      { incidentId: 'i2', acknowledges: 0, acknowledgementDelayMinutes: null, measuredImpact: false },
      { incidentId: 'i3', acknowledges: 1, acknowledgementDelayMinutes: -2, measuredImpact: true },
      { incidentId: 'i5', acknowledges: 0, acknowledgementDelayMinutes: null, measuredImpact: true },
    ]);
    expect(report.perOutage.map((o) => o.acknowledgedBy)).toEqual([['i1'], ['i1'], [], ['i3']]);
  });

  it('counts an ongoing unacknowledged outage up to now, and has no median without acknowledgements', () => {
    const report = statusPageAccuracy({
      from: at(0), to: at(1440), now: at(200), incidents: [],
      outages: [{ model: 'a', start: at(100), end: null }],
      status: () => 'operational',
    });
    expect(report).toMatchObject({ outages: 1, acknowledgedOutages: 0, unacknowledgedOutageMinutes: 100, medianAcknowledgementDelayMinutes: null });
  });
});

describe('coveredModels', () => {
  const all = ['claude-opus-4-7', 'claude-opus-4-8', 'claude-haiku'];
  const mapping = [{ component: 'Claude API', models: ['claude-opus-4-8', 'claude-opus-4-7'] }, { component: 'claude.ai', models: [] }];

  it('takes a mapped component’s models, and every model for an unmapped component or none named', () => {
    expect(coveredModels(['Claude API'], mapping, all)).toEqual(['claude-opus-4-7', 'claude-opus-4-8']);
    expect(coveredModels(['claude.ai'], mapping, all)).toEqual([]);
    expect(coveredModels(['Console'], mapping, all)).toEqual(['claude-haiku', 'claude-opus-4-7', 'claude-opus-4-8']);
    expect(coveredModels([], mapping, all)).toEqual(['claude-haiku', 'claude-opus-4-7', 'claude-opus-4-8']);
    expect(coveredModels(['Claude API'], [], all)).toEqual(['claude-haiku', 'claude-opus-4-7', 'claude-opus-4-8']);
  });
});
