import { MinuteStatus } from '../detection';
import { AlertableStatus, ModelStatusState, ModelStatusTransition, MODEL_STATUS_QUIET, stepModelStatus } from './model-status';

/** The transitions of a rule over statuses of consecutive minutes from minute 0. */
function transitions(statuses: MinuteStatus[], rule: { minSeverity: AlertableStatus; forMinutes: number }) {
  let state: ModelStatusState = MODEL_STATUS_QUIET;
  const seen: (ModelStatusTransition & { minute: number })[] = [];
  statuses.forEach((status, minute) => {
    const next = stepModelStatus(state, minute, status, rule);
    state = next.state;
    if (next.transition !== null) seen.push({ minute, ...next.transition });
  });
  return { seen, state };
}

describe('MODEL_STATUS rules', () => {
  const rule = { minSeverity: 'degraded', forMinutes: 3 } as const;

  it('fires on the third bad minute in a row, dated from the first; a minute without data neither counts nor breaks the run', () => {
    const { seen, state } = transitions(['operational', 'degraded', 'degraded', 'no_data', 'partial_outage'], rule);
    expect(seen).toEqual([{ minute: 4, kind: 'FIRING', startedAt: 1 }]);
    expect(state.firingSince).toBe(1);
  });

  it('resolves on the third better minute in a row, dated from the first; a bad minute restarts that count', () => {
    const statuses: MinuteStatus[] = ['degraded', 'degraded', 'major_outage', 'operational', 'operational', 'degraded', 'operational', 'operational', 'operational'];
    expect(transitions(statuses, rule).seen).toEqual([
      { minute: 2, kind: 'FIRING', startedAt: 0 },
      { minute: 8, kind: 'RESOLVED', startedAt: 0, resolvedAt: 6 },
    ]);
  });

  it('does not fire on a shorter run, nor on minutes milder than its severity', () => {
    expect(transitions(['degraded', 'degraded', 'operational', 'degraded', 'degraded'], rule).seen).toEqual([]);
    const major = { minSeverity: 'major_outage', forMinutes: 2 } as const;
    expect(transitions(['partial_outage', 'partial_outage', 'partial_outage'], major).seen).toEqual([]);
    // A partial outage is "better" than major: it counts towards resolving a major-outage rule.
    expect(transitions(['major_outage', 'major_outage', 'partial_outage', 'partial_outage'], major).seen).toEqual([
      { minute: 1, kind: 'FIRING', startedAt: 0 },
      { minute: 3, kind: 'RESOLVED', startedAt: 0, resolvedAt: 2 },
    ]);
  });

  it('fires and resolves at once with forMinutes 1', () => {
    expect(transitions(['degraded', 'operational'], { minSeverity: 'degraded', forMinutes: 1 }).seen).toEqual([
      { minute: 0, kind: 'FIRING', startedAt: 0 },
      { minute: 1, kind: 'RESOLVED', startedAt: 0, resolvedAt: 1 },
    ]);
  });
});
