import type { IncidentView } from '@ledger/projections';
import { buildOverview, DAY_MS, episodesOf } from '../overview';
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

  it('shows outages of a provider close together as one row that says why they are apart, with each model outage one click away', () => {
    const at = (hh: number, mm: number) => JUNE_7 * 1440 + hh * 60 + mm;
    const outage = (model: string, start: number, end: number, severity: IncidentView['severity']) => ({
      provider: 'google', model, platform: null, start, end, severity, peakFailures: 9, peakEligible: 10, eligibleRequests: 40, failedRequests: 30, platformsAffected: 2, ongoing: false,
    });
    const google = (start: number, end: number, severity: IncidentView['severity']): IncidentView => ({
      provider: 'google', start, end, severity, models: ['gemini-2.5-pro'], outages: 1, ongoing: false, modelOutages: [outage('gemini-2.5-pro', start, end, severity)],
    });
    const incidents = [google(at(3, 5), at(3, 9), 'major_outage'), google(at(3, 14), at(3, 16), 'degraded'), google(at(3, 22), at(3, 30), 'partial_outage'), incident];
    const episodes = episodesOf(incidents);
    // The google outages 13 minutes apart are one episode; the degradation between them stays its own row.
    expect(episodes.map((e) => [e.provider, e.incidents.length, e.severity, e.end - e.start])).toEqual([
      ['anthropic', 1, 'major_outage', 30],
      ['google', 1, 'degraded', 2],
      ['google', 2, 'major_outage', 25],
    ]);
    const page = overviewPage(buildOverview({ asOf: (JUNE_7 + 1) * DAY_MS, days: [], outages: [], live: [], incidents }), 'n', { historical: true });
    expect(page).toContain('2 incidents within 25 min, shown together: detection keeps them apart because the minutes between them were not bad');
    expect(page).toContain('<b>gemini-2.5-pro</b> 7 Jun 2026, 03:05 UTC – 03:09 UTC (4 min): Major outage, peak error rate 90 % (9 of 10 in a minute); 30 of 40 requests failed; 2 platforms affected');
  });
});
