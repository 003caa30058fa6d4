import { demoEvents } from './demo-data';

describe('demo data', () => {
  it('is deterministic, covers the month, and contains the seed scenario of 2026-06-07', () => {
    const incident = { start: Date.parse('2026-06-07T09:01:00Z'), end: Date.parse('2026-06-07T09:31:00Z') };
    const disabled = { start: Date.parse('2026-06-07T09:30:00Z'), end: Date.parse('2026-06-07T21:40:00Z') };
    let total = 0;
    let inIncident = 0;
    let failedInIncident = 0;
    let notionToAnthropicWhileDisabled = 0;
    let last = 0;
    for (const { platform, event } of demoEvents()) {
      total++;
      const at = Date.parse(event.occurredAt);
      last = Math.max(last, at);
      if (event.provider === 'anthropic' && at >= incident.start && at < incident.end) {
        inIncident++;
        if (event.outcome === 'error' || event.outcome === 'timeout') failedInIncident++;
      }
      if (platform === 'notion' && event.provider === 'anthropic' && at >= disabled.start && at < disabled.end) notionToAnthropicWhileDisabled++;
    }
    expect(total).toBeGreaterThan(500_000);
    expect(last).toBeGreaterThan(Date.parse('2026-06-30T23:00:00Z'));
    expect(failedInIncident / inIncident).toBeGreaterThan(0.5);
    expect(notionToAnthropicWhileDisabled).toBe(0);
    const first = (n: number) => {
      const out = [];
      for (const e of demoEvents()) if (out.push(e) >= n) break;
      return out;
    };
    expect(first(1_000)).toEqual(first(1_000));
  });
});
