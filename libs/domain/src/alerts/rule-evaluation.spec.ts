import { burnRateSeverity, WindowTally } from './burn-rate';
import { AlertTransition, MinuteTallies, quietState, stepBurnRateSubject, SubjectState } from './rule-evaluation';

describe('MinuteTallies', () => {
  it('sums any window as a loop over its minutes would, minutes outside the span counting nothing', () => {
    const tallyAt = (m: number): WindowTally => ({ failures: (m * 7) % 5, eligible: 10 + (m % 3) });
    const tallies = new MinuteTallies(100, 400, tallyAt);
    for (const [end, minutes] of [[400, 1], [400, 60], [250, 300], [150, 120], [99, 5], [120, 5000]] as const) {
      let failures = 0;
      let eligible = 0;
      for (let m = end - minutes + 1; m <= end; m++) {
        if (m < 100 || m > 400) continue;
        failures += tallyAt(m).failures;
        eligible += tallyAt(m).eligible;
      }
      expect(tallies.over(end, minutes)).toEqual({ failures, eligible });
    }
  });

  it('gives the severity burnRateSeverity gives over the same windows', () => {
    // 2 % failures from minute 1000 on, nothing before: 20× a 99.9 % budget.
    const tallies = new MinuteTallies(0, 2000, (m) => (m >= 1000 ? { failures: 2, eligible: 100 } : { failures: 0, eligible: 0 }));
    expect(tallies.severityAt(1000, '99.9')).toBe('PAGE');
    expect(tallies.severityAt(999, '99.9')).toBeNull();
    expect(tallies.severityAt(1500, '99.9')).toBe(burnRateSeverity((minutes) => tallies.over(1500, minutes), '99.9'));
  });
});

describe('a BURN_RATE rule minute by minute', () => {
  const run = (severities: ('PAGE' | 'TICKET' | null)[], minSeverity: 'PAGE' | 'TICKET') => {
    let state: SubjectState = quietState('BURN_RATE');
    const seen: AlertTransition[] = [];
    severities.forEach((severity, minute) => {
      const next = stepBurnRateSubject(state as SubjectState & { kind: 'BURN_RATE' }, minute, severity, minSeverity);
      state = next.state;
      if (next.transition) seen.push(next.transition);
    });
    return seen;
  };

  it('dates the resolution 15 minutes after the last minute a condition held, with the episode it closes', () => {
    const seen = run(['TICKET', 'PAGE', ...Array<null>(15).fill(null)], 'TICKET');
    expect(seen).toEqual([
      { transition: 'FIRING', decided: 0, startedAt: 0, severity: 'TICKET', resolvedAt: null },
      { transition: 'ESCALATED', decided: 1, startedAt: 0, severity: 'PAGE', resolvedAt: null },
      { transition: 'RESOLVED', decided: 16, startedAt: 0, severity: 'PAGE', resolvedAt: 16 },
    ]);
  });

  it('ignores TICKET conditions when only PAGEs are asked for', () => {
    expect(run(['TICKET', 'TICKET', 'PAGE'], 'PAGE')).toEqual([{ transition: 'FIRING', decided: 2, startedAt: 2, severity: 'PAGE', resolvedAt: null }]);
  });
});
