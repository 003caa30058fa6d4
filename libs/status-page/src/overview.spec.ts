import type { ModelStatusView } from '@ledger/projections';
import { buildOverview, DAY_MS, HISTORY_DAYS, ModelOutageSpan } from './overview';
import { coverageWords, uptimeWords } from './render/overview.page';

const JUNE_7 = Date.UTC(2026, 5, 7) / DAY_MS;
const asOf = (JUNE_7 + 23) * DAY_MS; // end of 29 June
const minuteOfDay = (day: number, hh: number, mm: number) => day * 1440 + hh * 60 + mm;

function live(provider: string, model: string, status: ModelStatusView['status']): ModelStatusView {
  return { provider, model, status, since: minuteOfDay(JUNE_7 + 22, 23, 0), errorRate: 0, eligibleRequests: 100 };
}

describe('buildOverview', () => {
  const outage: ModelOutageSpan = { provider: 'anthropic', model: 'opus', start: minuteOfDay(JUNE_7, 9, 1), end: minuteOfDay(JUNE_7, 9, 31), severity: 'major_outage' };
  const overview = buildOverview({
    asOf,
    days: [
      { provider: 'anthropic', model: 'opus', day: JUNE_7, successes: 970, failures: 30 },
      { provider: 'anthropic', model: 'opus', day: JUNE_7 + 1, successes: 1000, failures: 0 },
      { provider: 'anthropic', model: 'sonnet', day: JUNE_7 + 1, successes: 10, failures: 0 },
      { provider: 'openai', model: 'gpt', day: JUNE_7 - 200, successes: 5, failures: 0 },
    ],
    outages: [outage, { ...outage, start: minuteOfDay(JUNE_7 + 2, 23, 58), end: minuteOfDay(JUNE_7 + 3, 0, 4), severity: 'degraded' }],
    live: [live('anthropic', 'opus', 'operational'), live('anthropic', 'sonnet', 'partial_outage')],
    incidents: [],
  });
  const opus = overview.providers[0]!.models.find((m) => m.model === 'opus')!;

  it('covers 90 UTC days ending on the day of the instant shown', () => {
    expect(opus.days).toHaveLength(HISTORY_DAYS);
    expect(opus.days.at(-1)!.day).toBe(JUNE_7 + 22);
  });

  it("colours a day by its worst outage, and days with traffic and no outage as operational", () => {
    const day = (d: number) => opus.days.find((b) => b.day === d)!;
    expect(day(JUNE_7)).toEqual({ day: JUNE_7, status: 'major_outage', successes: 970, eligible: 1000 });
    expect(day(JUNE_7 + 1).status).toBe('operational');
    // An outage across midnight marks both days.
    expect(day(JUNE_7 + 2).status).toBe('degraded');
    expect(day(JUNE_7 + 3).status).toBe('degraded');
    expect(day(JUNE_7 + 4).status).toBe('no_data');
  });

  it('counts outage minutes clipped to each uptime window', () => {
    const byLabel = Object.fromEntries(opus.uptime.map((u) => [u.label, u]));
    expect(byLabel['24 h']).toMatchObject({ outageMinutes: 0, hasData: false });
    expect(byLabel['30 d']).toMatchObject({ windowMinutes: 30 * 1440, outageMinutes: 30 + 6, hasData: true });
    expect(byLabel['90 d']!.outageMinutes).toBe(36);
  });

  it('counts only the days with traffic: a longer window with no more data reads the same, not better, and says how much it rests on', () => {
    const byLabel = Object.fromEntries(opus.uptime.map((u) => [u.label, u]));
    // Traffic on 7 and 8 June only: both windows rest on those two days and their 36 outage minutes.
    expect(byLabel['30 d']!.measuredMinutes).toBe(2 * 1440);
    expect(byLabel['90 d']!.measuredMinutes).toBe(2 * 1440);
    expect(uptimeWords(byLabel['30 d']!)).toBe('98.750 %');
    expect(uptimeWords(byLabel['90 d']!)).toBe('98.750 %');
    expect(coverageWords(byLabel['90 d']!)).toContain('· 2 of 90 days with traffic');
    expect(uptimeWords(byLabel['24 h']!)).toBe('—');
    expect(coverageWords(byLabel['24 h']!)).toBe('');
  });

  it('gives a model with minutes of traffic a figure for those days only, never a whole window of uptime', () => {
    const sonnet = overview.providers[0]!.models.find((m) => m.model === 'sonnet')!;
    const ninety = sonnet.uptime.find((u) => u.label === '90 d')!;
    expect(ninety).toMatchObject({ measuredMinutes: 1440, outageMinutes: 0, hasData: true });
    expect(coverageWords(ninety)).toContain('1 of 90 days with traffic');
  });

  it('counts the minute under way: a model in an outage now is not at 100 %', () => {
    const now = (JUNE_7 * 1440 + 12 * 60 + 30) * 60_000 + 20_000; // 7 June, 12:30:20
    const model = buildOverview({
      asOf: now,
      days: [{ provider: 'anthropic', model: 'opus', day: JUNE_7, successes: 0, failures: 20 }],
      outages: [{ provider: 'anthropic', model: 'opus', start: JUNE_7 * 1440 + 12 * 60 + 30, end: JUNE_7 * 1440 + 12 * 60 + 31, severity: 'major_outage' }],
      live: [], incidents: [],
    }).providers[0]!.models[0]!;
    const day = model.uptime.find((u) => u.label === '24 h')!;
    expect(day).toMatchObject({ outageMinutes: 1, measuredMinutes: 12 * 60 + 31 });
    expect(uptimeWords(day)).toBe('99.866 %');
  });

  it('measures the ragged first day of a live window for the part inside it', () => {
    const midDay = (JUNE_7 + 1) * DAY_MS + 12 * 3_600_000; // 8 June, 12:00
    const live24 = buildOverview({
      asOf: midDay,
      days: [{ provider: 'anthropic', model: 'opus', day: JUNE_7, successes: 10, failures: 0 }],
      outages: [], live: [], incidents: [],
    }).providers[0]!.models[0]!.uptime.find((u) => u.label === '24 h')!;
    // 7 June 12:00–24:00 lies in the window; 8 June had no requests.
    expect(live24).toMatchObject({ measuredMinutes: 720, hasData: true });
    expect(coverageWords(live24)).toContain('12 h of 24 h with traffic');
  });

  it('groups models by provider, leaves out traffic older than the strips, and takes the worst live status', () => {
    expect(overview.providers.map((p) => p.provider)).toEqual(['anthropic']);
    expect(overview.providers[0]!.models.map((m) => m.model)).toEqual(['opus', 'sonnet']);
    expect(overview.providers[0]!.live).toBe('partial_outage');
  });
});
