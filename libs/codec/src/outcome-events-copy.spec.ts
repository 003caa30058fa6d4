import { encodeOutcomeBatch, outcomeEventsCopyChunks, outcomeEventsCopyText } from './outcome-events-copy';

describe('outcome events as COPY text (escaping: @ledger/codec)', () => {
  it('writes one line per event, \\N for nulls, instants and their day in UTC', () => {
    const text = outcomeEventsCopyText('notion', [
      { id: 'x\t1', provider: 'anthropic', model: 'm', occurredAt: Date.UTC(2026, 5, 7, 9, 2, 13, 512), occurredAtIso: '2026-06-07T09:02:13.512Z', outcome: 'error',
        httpStatus: 529, errorCode: 'overloaded_error', latencyMs: 812, ttftMs: null },
      { id: 'x2', provider: 'openai', model: 'gpt-5', occurredAt: 0, occurredAtIso: '1970-01-01T00:00:00.000Z', outcome: 'success',
        httpStatus: null, errorCode: null, latencyMs: null, ttftMs: 0 },
    ]);
    expect(text).toBe(
      'notion\tx\\t1\tanthropic\tm\t2026-06-07T09:02:13.512Z\t2026-06-07\terror\t529\toverloaded_error\t812\t\\N\n' +
        'notion\tx2\topenai\tgpt-5\t1970-01-01T00:00:00.000Z\t1970-01-01\tsuccess\t\\N\t\\N\t\\N\t0\n',
    );
  });

  it('streams long batches in chunks that add up to the whole text', () => {
    const events = Array.from({ length: 1_234 }, (_, i) => ({
      id: `e${i}`, provider: 'p', model: 'm', occurredAt: i, occurredAtIso: new Date(i).toISOString(),
      outcome: 'success' as const, httpStatus: null, errorCode: null, latencyMs: i, ttftMs: null,
    }));
    const chunks = [...outcomeEventsCopyChunks('x', events)];
    expect(chunks).toHaveLength(3);
    expect(chunks.join('')).toBe(outcomeEventsCopyText('x', events));
  });

  it('encodes a batch as the UTF-8 of its COPY text, in a buffer of its own (one a thread can transfer), with its days', () => {
    const events = Array.from({ length: 1_234 }, (_, i) => ({
      id: `é${i}→`, provider: 'p', model: 'm', occurredAt: i * 3_600_000, occurredAtIso: new Date(i * 3_600_000).toISOString(),
      outcome: 'success' as const, httpStatus: null, errorCode: i % 2 === 0 ? null : 'naïve', latencyMs: i, ttftMs: null,
    }));
    const batch = encodeOutcomeBatch('x', events);
    expect(Buffer.from(batch.copyBytes).toString('utf8')).toBe(outcomeEventsCopyText('x', events));
    expect(batch.copyBytes.byteOffset).toBe(0);
    expect(batch.copyBytes.buffer.byteLength).toBe(batch.copyBytes.byteLength);
    expect(batch.eventCount).toBe(1_234);
    // 1,234 hours from the epoch: each day once, in order.
    expect(batch.days).toHaveLength(52);
    expect([batch.days[0], batch.days[1], batch.days[51]]).toEqual(['1970-01-01', '1970-01-02', '1970-02-21']);
  });

  it('writes the COPY text where asked when it fits there, and in a buffer of its own when not', () => {
    const events = Array.from({ length: 3 }, (_, i) => ({
      id: `e${i}`, provider: 'p', model: 'm', occurredAt: i, occurredAtIso: new Date(i).toISOString(),
      outcome: 'success' as const, httpStatus: 200, errorCode: null, latencyMs: i, ttftMs: null,
    }));
    const text = outcomeEventsCopyText('x', events);
    const area = new Uint8Array(new SharedArrayBuffer(1_000), 100);
    const inArea = encodeOutcomeBatch('x', events, area);
    expect(inArea.copyBytes.buffer).toBe(area.buffer);
    expect(inArea.copyBytes.byteOffset).toBe(100);
    expect(Buffer.from(inArea.copyBytes).toString('utf8')).toBe(text);
    const tooSmall = encodeOutcomeBatch('x', events, area.subarray(0, text.length - 1));
    expect(tooSmall.copyBytes.buffer).not.toBe(area.buffer);
    expect(Buffer.from(tooSmall.copyBytes).toString('utf8')).toBe(text);
  });
});
