/** Generated outcome events for tests: realistic fields, deterministic from their id. */
export function outcomeEvent(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    provider: 'anthropic',
    model: 'claude-opus-4-7',
    occurredAt: '2026-06-07T09:02:13.512Z',
    outcome: 'success',
    httpStatus: 200,
    latencyMs: 1200,
    ttftMs: 300,
    ...overrides,
  };
}

export function outcomeEvents(prefix: string, count: number): Record<string, unknown>[] {
  const outcomes = ['success', 'success', 'success', 'error', 'timeout', 'rate_limited', 'client_error'];
  return Array.from({ length: count }, (_, i) =>
    outcomeEvent(`${prefix}-${i}`, {
      model: i % 2 === 0 ? 'claude-opus-4-7' : 'claude-opus-4-8',
      occurredAt: new Date(Date.UTC(2026, 5, 7, 9, 0, 0) + i * 1000).toISOString(),
      outcome: outcomes[i % outcomes.length],
      latencyMs: 100 + (i % 900),
    }),
  );
}
