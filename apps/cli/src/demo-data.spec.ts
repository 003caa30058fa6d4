import { demoEvents } from './demo-data';

describe('demo data', () => {
  it('is deterministic and contains the seed scenario of 2026-06-07', () => {
    const incident = { start: Date.parse('2026-06-07T09:01:00Z'), end: Date.parse('2026-06-07T09:31:00Z') };
    const disabled = { start: Date.parse('2026-06-07T09:04:00Z'), end: Date.parse('2026-06-07T21:06:00Z') };
    let inIncident = 0;
    let failedInIncident = 0;
    let notionToAnthropicWhileDisabled = 0;
    for (const { platform, event } of demoEvents()) {
      const at = Date.parse(event.occurredAt);
      if (at >= Date.parse('2026-06-08T00:01:00Z')) break; // events come minute by minute
      if (event.provider === 'anthropic' && at >= incident.start && at < incident.end) {
        inIncident++;
        if (event.outcome === 'error' || event.outcome === 'timeout') failedInIncident++;
      }
      if (platform === 'notion' && event.provider === 'anthropic' && at >= disabled.start && at < disabled.end) notionToAnthropicWhileDisabled++;
    }
    expect(inIncident).toBeGreaterThan(100);
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
