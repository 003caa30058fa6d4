import type { IncidentView } from '@ledger/projections';
import { buildOverview, DAY_MS } from '../overview';
import { describeDay, dayStrip } from './charts';
import { overviewPage } from './overview.page';

const JUNE_7 = Date.UTC(2026, 5, 7) / DAY_MS;

describe('status page rendering', () => {
  const incident: IncidentView = {
    provider: 'anthropic', start: JUNE_7 * 1440 + 541, end: JUNE_7 * 1440 + 571, severity: 'major_outage',
    models: ['claude-opus-4-7', 'claude-opus-4-8'], outages: 2, ongoing: false, modelOutages: [],
  };
  const html = overviewPage(
    buildOverview({
      asOf: (JUNE_7 + 1) * DAY_MS,
      days: [{ provider: 'anthropic', model: '<script>alert(1)</script>', day: JUNE_7, successes: 99, failures: 1 }],
      outages: [],
      live: [],
      incidents: [incident],
    }),
    'n0nce',
    { historical: true },
  );

  it('escapes every name it prints', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('lists incidents with their models, severity in words and duration', () => {
    expect(html).toMatch(/7 Jun 2026, 09:01 UTC[\s\S]*Major outage[\s\S]*30 min[\s\S]*claude-opus-4-7, claude-opus-4-8/);
  });

  it('carries the nonce on its only script and style', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="n0nce">');
    expect(html).toContain('<style nonce="n0nce">');
  });

  it('labels every day bar with words, one tab stop per strip', () => {
    const days = [
      { day: JUNE_7, status: 'major_outage' as const, successes: 970, eligible: 1000 },
      { day: JUNE_7 + 1, status: 'no_data' as const, successes: 0, eligible: 0 },
    ];
    expect(describeDay(days[0]!)).toBe('Sun 7 Jun 2026: Major outage, 97.00 % of 1,000 requests succeeded');
    expect(describeDay(days[1]!)).toBe('Mon 8 Jun 2026: No data, no requests');
    const strip = dayStrip(days, 'opus');
    expect(strip.match(/tabindex="0"/g)).toHaveLength(1);
    expect(strip.match(/aria-label="Sun 7 Jun 2026: Major outage/g)).toHaveLength(1);
  });
});
