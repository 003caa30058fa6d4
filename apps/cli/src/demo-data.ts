import { seededRandom } from '@ledger/domain';

/**
 * A synthetic month of outcome events for the demo: several platforms, providers and models
 * with daily traffic curves, background noise (client errors, throttling), a few shorter
 * outages, and the seed scenario of concepts §8 on Sunday 2026-06-07 — two Anthropic models
 * failing together around 09:00 UTC while Notion disables the provider for twelve hours (09:04
 * to 21:06, its recorded actions below).
 * Deterministic (seeded), so running the demo twice stores nothing twice.
 */
export interface DemoEvent {
  platform: string;
  event: {
    id: string;
    provider: string;
    model: string;
    occurredAt: string;
    outcome: 'success' | 'error' | 'timeout' | 'rate_limited' | 'client_error';
    httpStatus: number;
    errorCode?: string;
    latencyMs?: number;
    ttftMs?: number;
  };
}

export const DEMO_PLATFORMS = ['notion', 'acme-wiki', 'docsco'] as const;
export const DEMO_MODELS: Record<string, string[]> = {
  anthropic: ['claude-opus-4-7', 'claude-opus-4-8'],
  openai: ['gpt-5', 'gpt-5-mini'],
  google: ['gemini-2.5-pro'],
};
export const DEMO_MONTH_START = Date.UTC(2026, 5, 1);
const DAYS = 30;
const SEED_INCIDENT = { start: Date.UTC(2026, 5, 7, 9, 1), end: Date.UTC(2026, 5, 7, 9, 31) };
/** Notion routes away from Anthropic at 09:04 and back at 21:06 (DEMO_ACTIONS): no traffic of it in between. */
const NOTION_DISABLED = { start: Date.UTC(2026, 5, 7, 9, 4), end: Date.UTC(2026, 5, 7, 21, 6) };

/** Yields the month's events in time order, minute by minute. */
export function* demoEvents(): Generator<DemoEvent> {
  const rand = seededRandom(20260607);
  // Shorter outages elsewhere in the month: [provider, model, start, minutes, failure share].
  const blips: [string, string, number, number, number][] = [
    ['openai', 'gpt-5', Date.UTC(2026, 5, 12, 14, 20), 8, 0.4],
    ['google', 'gemini-2.5-pro', Date.UTC(2026, 5, 18, 15, 5), 25, 0.9],
    ['anthropic', 'claude-opus-4-8', Date.UTC(2026, 5, 23, 12, 40), 12, 0.6],
    ['openai', 'gpt-5-mini', Date.UTC(2026, 5, 27, 11, 0), 12, 0.6],
  ];
  let sequence = 0;
  for (let minute = 0; minute < DAYS * 1440; minute++) {
    const at = DEMO_MONTH_START + minute * 60_000;
    const hour = (minute % 1440) / 60;
    const daily = 0.35 + 0.65 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)); // busy in the afternoon (UTC)
    for (const platform of DEMO_PLATFORMS) {
      for (const [provider, models] of Object.entries(DEMO_MODELS)) {
        if (platform === 'notion' && provider === 'anthropic' && at >= NOTION_DISABLED.start && at < NOTION_DISABLED.end) continue;
        for (const model of models) {
          const requests = Math.round(daily * (platform === 'notion' || provider === 'anthropic' ? 3 : 2) + rand());
          for (let r = 0; r < requests; r++) {
            const occurredAt = at + Math.floor(rand() * 60_000);
            let failureShare = 0.0001; // a stray failure now and then
            if (provider === 'anthropic' && occurredAt >= SEED_INCIDENT.start && occurredAt < SEED_INCIDENT.end) failureShare = 0.7;
            for (const [p, m, start, minutes, share] of blips) {
              if (p === provider && m === model && occurredAt >= start && occurredAt < start + minutes * 60_000) failureShare = share;
            }
            const roll = rand();
            const id = `demo-${platform}-${sequence++}`;
            const base = { id, provider, model, occurredAt: new Date(occurredAt).toISOString() };
            if (roll < failureShare) {
              const timeout = rand() < 0.15;
              yield { platform, event: { ...base, outcome: timeout ? 'timeout' : 'error', httpStatus: timeout ? 504 : 529, errorCode: timeout ? 'timeout' : 'overloaded_error', latencyMs: Math.round(timeout ? 60_000 : 300 + rand() * 2_000) } };
            } else if (roll < failureShare + 0.01) {
              yield { platform, event: { ...base, outcome: 'rate_limited', httpStatus: 429, errorCode: 'rate_limit_error', latencyMs: Math.round(50 + rand() * 100) } };
            } else if (roll < failureShare + 0.015) {
              yield { platform, event: { ...base, outcome: 'client_error', httpStatus: 400, errorCode: 'invalid_request_error', latencyMs: Math.round(30 + rand() * 80) } };
            } else {
              const speed = provider === 'openai' ? 0.8 : provider === 'google' ? 1.1 : 1;
              const latency = Math.round(speed * Math.exp(7.6 + 0.5 * (rand() + rand() + rand() - 1.5)));
              yield { platform, event: { ...base, outcome: 'success', httpStatus: 200, latencyMs: latency, ttftMs: Math.round(latency * (0.1 + 0.1 * rand())) } };
            }
          }
        }
      }
    }
  }
}

/** Notion's own actions on the seed day (concepts §11): it routes to OpenAI at 09:04 and back once Anthropic says the issue is resolved. */
export const DEMO_ACTIONS = [
  { id: 'demo-notion-disable-anthropic', provider: 'anthropic', action: 'DISABLE', occurredAt: '2026-06-07T09:04:00Z', target: 'openai', reason: 'elevated 529 overloaded_error on claude-opus-4-7 and claude-opus-4-8' },
  { id: 'demo-notion-enable-anthropic', provider: 'anthropic', action: 'ENABLE', occurredAt: '2026-06-07T21:06:00Z', reason: 'Anthropic status page: resolved' },
] as const;

/** Which models the providers' status-page components cover (the chat apps cover no API model). */
export const DEMO_STATUS_COMPONENTS: Record<string, { component: string; models: string[] }[]> = {
  anthropic: [{ component: 'Claude API', models: DEMO_MODELS.anthropic! }, { component: 'claude.ai', models: [] }],
  openai: [{ component: 'API', models: DEMO_MODELS.openai! }, { component: 'ChatGPT', models: [] }],
  google: [{ component: 'Gemini API', models: DEMO_MODELS.google! }],
};

const statuspageIncident = (id: string, name: string, impact: string, createdAt: string, resolvedAt: string, components: string[], updates: [string, string, string][]) => ({
  id, name, status: 'resolved', impact, created_at: createdAt, updated_at: resolvedAt, resolved_at: resolvedAt,
  shortlink: `https://stspg.io/${id}`, components: components.map((name) => ({ name })),
  incident_updates: updates.map(([status, at, body], k) => ({ id: `${id}-${k}`, status, body, created_at: at })),
});

/**
 * What the providers' status pages said about June (Statuspage incidents.json): Anthropic
 * acknowledged the 7 June outage 25 minutes after it began and never the 23 June one; Google
 * never acknowledged the 18 June one and posted one the measurement did not see; OpenAI
 * acknowledged its two within minutes and posted one about ChatGPT alone.
 */
export const DEMO_STATUS_FEEDS: Record<string, { incidents: unknown[] }> = {
  anthropic: {
    incidents: [
      statuspageIncident('demo-anth-0607', 'Elevated errors on Claude Opus 4.7 and Opus 4.8', 'major', '2026-06-07T09:26:00Z', '2026-06-07T20:58:00Z', ['Claude API'], [
        ['investigating', '2026-06-07T09:26:00Z', 'We are investigating elevated error rates on Claude Opus 4.7 and Claude Opus 4.8.'],
        ['monitoring', '2026-06-07T10:12:00Z', 'A fix has been implemented and we are monitoring the results.'],
        ['resolved', '2026-06-07T20:58:00Z', 'This incident has been resolved.'],
      ]),
    ],
  },
  openai: {
    incidents: [
      statuspageIncident('demo-oai-0612', 'Increased error rates for GPT-5', 'minor', '2026-06-12T14:23:00Z', '2026-06-12T15:00:00Z', ['API'], [
        ['investigating', '2026-06-12T14:23:00Z', 'We are seeing increased error rates for GPT-5 in the API.'],
        ['resolved', '2026-06-12T15:00:00Z', 'Error rates have returned to normal.'],
      ]),
      statuspageIncident('demo-oai-0620', 'ChatGPT conversations failing to load', 'minor', '2026-06-20T16:00:00Z', '2026-06-20T16:45:00Z', ['ChatGPT'], [
        ['investigating', '2026-06-20T16:00:00Z', 'Some users cannot load past conversations in ChatGPT.'],
        ['resolved', '2026-06-20T16:45:00Z', 'Conversations load normally again.'],
      ]),
      statuspageIncident('demo-oai-0627', 'Elevated errors for GPT-5 mini', 'minor', '2026-06-27T11:05:00Z', '2026-06-27T11:40:00Z', ['API'], [
        ['investigating', '2026-06-27T11:05:00Z', 'We are investigating elevated errors for GPT-5 mini.'],
        ['resolved', '2026-06-27T11:40:00Z', 'This incident has been resolved.'],
      ]),
    ],
  },
  google: {
    incidents: [
      statuspageIncident('demo-goog-0624', 'Gemini API: increased latency in europe-west4', 'minor', '2026-06-24T08:00:00Z', '2026-06-24T09:30:00Z', ['Gemini API'], [
        ['investigating', '2026-06-24T08:00:00Z', 'Some requests in europe-west4 see increased latency.'],
        ['resolved', '2026-06-24T09:30:00Z', 'Latency is back to normal.'],
      ]),
    ],
  },
};
