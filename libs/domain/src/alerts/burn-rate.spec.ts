import { AlertSeverity, BurnEpisode, burnAbove, burnRateSeverity, stepBurnEpisode, WindowTally } from './burn-rate';

describe('burn-rate conditions', () => {
  // A 99.9 % target leaves a budget of 0.1 %: a failure ratio of 1.44 % is a burn rate of exactly 14.4.
  it('is "greater than" at each threshold exactly: 14.4, 6, 3 and 1 do not hold, one failure more does', () => {
    const cases: [string, number][] = [['14.4', 144], ['6', 60], ['3', 30], ['1', 10]];
    for (const [burn, failures] of cases) {
      expect(burnAbove({ failures, eligible: 10_000 }, '99.9', burn)).toBe(false);
      expect(burnAbove({ failures: failures + 1, eligible: 10_000 }, '99.9', burn)).toBe(true);
    }
  });

  it('burns nothing without failures or without eligible units; a 100 % target has no budget', () => {
    expect(burnAbove({ failures: 0, eligible: 1_000 }, '99.9', '1')).toBe(false);
    expect(burnAbove({ failures: 0, eligible: 0 }, '99.9', '1')).toBe(false);
    expect(burnAbove({ failures: 1, eligible: 1_000_000 }, '100', '14.4')).toBe(true);
    expect(burnAbove({ failures: 0, eligible: 1_000_000 }, '100', '14.4')).toBe(false);
  });

  it('counts downtime minutes for a downtime contract the same way: 1 of 60 minutes at 99.5 % burns 3.33', () => {
    // 1/60 ÷ 0.005 = 3.333…: above 3 and 1, not above 6.
    expect([burnAbove({ failures: 1, eligible: 60 }, '99.5', '3'), burnAbove({ failures: 1, eligible: 60 }, '99.5', '6')]).toEqual([true, false]);
  });

  /** Windows of a stream with `ratio(minute)` failures per 1,000 requests a minute; minute 0 is the last complete one. */
  const windows = (ratio: (minutesAgo: number) => number) => (minutes: number): WindowTally => {
    let failures = 0;
    for (let ago = 0; ago < minutes; ago++) failures += ratio(ago);
    return { failures, eligible: minutes * 1_000 };
  };

  it('pages only when the long and the short window both burn, and prefers PAGE to TICKET', () => {
    // 20× the budget (2 % failing) for the last 60 minutes: 1 h and 5 min both burn 20 > 14.4.
    expect(burnRateSeverity(windows((ago) => (ago < 60 ? 20 : 0)), '99.9')).toBe('PAGE');
    // The same hour, but the last 5 minutes clean: the 1 h window burns 18.3 and the 5 min one 0 —
    // no fast PAGE; 30 min burns 16.7 but 6 h 3.33 (not > 6) — no slow PAGE; 24 h burns 0.83 and
    // 72 h 0.28 — no TICKET.
    expect(burnRateSeverity(windows((ago) => (ago >= 5 && ago < 65 ? 20 : 0)), '99.9')).toBeNull();
    // 2× the budget for three days: only the 72 h / 6 h TICKET (2 > 1); 24 h burns 2, not > 3.
    expect(burnRateSeverity(windows(() => 2), '99.9')).toBe('TICKET');
    // 2× for 71 hours only: the 72 h window burns 1.97, the 6 h window 2: still a TICKET. For 35 hours: 72 h burns 0.97: none.
    expect(burnRateSeverity(windows((ago) => (ago < 71 * 60 ? 2 : 0)), '99.9')).toBe('TICKET');
    expect(burnRateSeverity(windows((ago) => (ago < 35 * 60 ? 2 : 0)), '99.9')).toBeNull();
  });

  it('opens one episode, escalates a TICKET to a PAGE within it, and resolves after 15 minutes without a condition', () => {
    const steps: [number, AlertSeverity | null][] = [[100, 'TICKET'], [101, 'PAGE'], [102, 'TICKET'], [103, null], [117, null], [118, null], [119, null]];
    let episode: BurnEpisode | null = null;
    const transitions: unknown[] = [];
    for (const [minute, severity] of steps) {
      const next = stepBurnEpisode(episode, minute, severity);
      episode = next.episode;
      if (next.transition !== null) transitions.push({ minute, ...next.transition });
    }
    // The condition last held at 102; 103–117 are the 15 minutes without one: resolved at 117.
    expect(transitions).toEqual([
      { minute: 100, kind: 'FIRING', severity: 'TICKET' },
      { minute: 101, kind: 'ESCALATED', severity: 'PAGE' },
      { minute: 117, kind: 'RESOLVED', at: 117 },
    ]);
    expect(episode).toBeNull();
  });
});
