import type { MinuteStatus } from '../detection';
import { actionReport, minutesOneDecimal, routedAwayPeriods, routedAwaySpans } from './action-report';
import { PlatformAction, PlatformActionKind } from './platform-action';

const T0 = Date.UTC(2026, 5, 7, 0, 0);
const at = (hh: number, mm: number, ss = 0) => T0 + ((hh * 60 + mm) * 60 + ss) * 1000;
const minuteOf = (ms: number) => ms / 60_000;
let n = 0;
const act = (action: PlatformActionKind, when: number, model: string | null = null): PlatformAction => ({
  id: `a${++n}`, provider: 'anthropic', model, action, occurredAt: when, occurredAtIso: new Date(when).toISOString(), target: null, reason: null,
});

describe('minutes with one decimal', () => {
  it('rounds half away from zero, exactly', () => {
    expect([minutesOneDecimal(3_000), minutesOneDecimal(2_999), minutesOneDecimal(-3_000), minutesOneDecimal(90_000), minutesOneDecimal(-270_000)]).toEqual([0.1, 0, -0.1, 1.5, -4.5]);
  });
});

describe('routed-away spans', () => {
  it('start at a disable or failover covering the model and end at the next enable or failback covering it', () => {
    const actions = [act('disable', at(9, 4)), act('enable', at(21, 6)), act('failover', at(22, 0), 'm1'), act('failback', at(22, 30), 'm2'), act('enable', at(23, 0))];
    expect(routedAwaySpans(actions, 'm1')).toEqual([{ start: at(9, 4), end: at(21, 6) }, { start: at(22, 0), end: at(23, 0) }]);
    expect(routedAwaySpans(actions, 'm2')).toEqual([{ start: at(9, 4), end: at(21, 6) }]);
    expect(routedAwaySpans([act('disable', at(1, 0))], 'm1')).toEqual([{ start: at(1, 0), end: Infinity }]);
  });

  it('join across models into periods: the time in which any of them was routed away', () => {
    const actions = [act('failover', at(9, 0), 'm1'), act('failover', at(9, 30), 'm2'), act('failback', at(10, 0), 'm1'), act('failback', at(11, 0), 'm2'), act('disable', at(12, 0))];
    expect(routedAwayPeriods(actions, ['m1', 'm2'])).toEqual([
      { start: at(9, 0), end: at(11, 0), spans: [{ model: 'm1', start: at(9, 0), end: at(10, 0) }, { model: 'm2', start: at(9, 30), end: at(11, 0) }] },
      { start: at(12, 0), end: Infinity, spans: [{ model: 'm1', start: at(12, 0), end: Infinity }, { model: 'm2', start: at(12, 0), end: Infinity }] },
    ]);
  });
});

describe('the action report', () => {
  // The seed story in small: m1 down 09:02–09:26 (bad minutes), m2 down 09:05–09:20; the platform
  // disables the whole provider at 09:04:30 and enables it at 21:06.
  const outages = [{ model: 'm1', start: at(9, 2), end: at(9, 26) }, { model: 'm2', start: at(9, 5), end: at(9, 20) }, { model: 'm1', start: at(23, 0), end: at(23, 10) }];
  const bad = (model: string, minute: number) => outages.some((o) => o.model === model && minute >= minuteOf(o.start) && minute < minuteOf(o.end));
  // m2 has no traffic from 12:00 to 14:00 (no data, no outage in progress: healthy).
  const status = (model: string, minute: number): MinuteStatus =>
    bad(model, minute) ? 'major_outage' : model === 'm2' && minute >= minuteOf(at(12, 0)) && minute < minuteOf(at(14, 0)) ? 'no_data' : 'operational';
  const actions = [act('disable', at(9, 4, 30)), act('enable', at(21, 6))];
  const report = actionReport({ from: T0, to: T0 + 86_400_000, actions, models: ['m1', 'm2'], status, outages });

  it('counts the minutes routed away (09:04 to 21:05, the minutes touched) and those while every routed model was healthy', () => {
    // 09:04 … 21:05 inclusive: 12 h 2 min = 722 minutes; unhealthy: 09:04–09:25 for m1 (22 minutes, m2's bad ones inside them).
    expect(report.routedAwayMinutes).toBe(722);
    expect(report.routedAwayWhileHealthyMinutes).toBe(722 - 22);
  });

  it('gives each outage starting in the window its time to action and restore lag, by hand', () => {
    expect(report.perOutage).toEqual([
      // Acted 2.5 minutes after m1's start; restored at 21:06, 11 h 40 min after its end at 09:26.
      { model: 'm1', start: at(9, 2), end: at(9, 26), timeToActionMinutes: 2.5, restoreLagMinutes: 700 },
      // Acted 30 s before m2's start (within the 5 minutes before it counts); restored 11 h 46 min after 09:20.
      { model: 'm2', start: at(9, 5), end: at(9, 20), timeToActionMinutes: -0.5, restoreLagMinutes: 706 },
      // Not acted on (the enable came before; nothing in [22:55, 23:10]).
      { model: 'm1', start: at(23, 0), end: at(23, 10), timeToActionMinutes: null, restoreLagMinutes: null },
    ]);
    expect([report.medianTimeToActionMinutes, report.outagesWithoutAction]).toEqual([-0.5, 1]);
  });

  it('does not count an outage that began while the platform was already routed away as acted on', () => {
    const early = actionReport({ from: T0, to: T0 + 86_400_000, actions: [act('disable', at(8, 0)), act('enable', at(10, 0))], models: ['m1', 'm2'], status, outages });
    expect(early.perOutage.map((o) => o.timeToActionMinutes)).toEqual([null, null, null]);
    expect(early.medianTimeToActionMinutes).toBeNull();
    // Routed away 08:00–09:59: 120 minutes, of which m1's bad minutes 09:02–09:25 (24) were not healthy.
    expect([early.routedAwayMinutes, early.routedAwayWhileHealthyMinutes]).toEqual([120, 96]);
  });
});
