import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { SharedBatchMemory } from './shared-batch-memory';
import { RawEventBatch, readSharedBody } from './shared-body-reader';

const MiB = 1024 * 1024;

function request(contentLength?: number): FastifyRequest {
  return { headers: contentLength === undefined ? {} : { 'content-length': String(contentLength) } } as unknown as FastifyRequest;
}

/** A body arriving in `chunks`, read into `memory`. */
async function read(memory: SharedBatchMemory, chunks: Buffer[], contentLength?: number, limit = 10 * MiB) {
  const payload = new PassThrough();
  const reading = readSharedBody(memory, request(contentLength), payload, limit);
  for (const chunk of chunks) payload.write(chunk);
  payload.end();
  return reading;
}

describe('readSharedBody (a request body into shared memory)', () => {
  it('copies the chunks into one slot, with room for as much again after them', async () => {
    const memory = new SharedBatchMemory(16 * MiB);
    const body = await read(memory, [Buffer.from('{"events":'), Buffer.from('[]}')], 13);
    expect(body.byteLength).toBe(13);
    expect(Buffer.from(body.memory, 0, body.byteLength).toString()).toBe('{"events":[]}');
    expect(body.memory.byteLength).toBeGreaterThanOrEqual(26);
  });

  it('grows the slot for a body of no declared length, keeping what came before', async () => {
    const memory = new SharedBatchMemory(64 * MiB);
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, 97 + (i % 26)));
    const body = await read(memory, chunks);
    expect(body.byteLength).toBe(40 * 64 * 1024);
    expect(Buffer.from(body.memory, 0, body.byteLength).equals(Buffer.concat(chunks))).toBe(true);
    expect(body.memory.byteLength).toBeGreaterThanOrEqual(2 * body.byteLength);
  });

  it('refuses a body beyond the limit (declared or received) and one shorter or longer than declared, giving the slot back', async () => {
    const memory = new SharedBatchMemory(16 * MiB);
    await expect(read(memory, [Buffer.alloc(10)], 2_000, 1_000)).rejects.toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    await expect(read(memory, [Buffer.alloc(600), Buffer.alloc(600)], undefined, 1_000)).rejects.toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(memory.idleBytes).toBe(MiB);
    await expect(read(memory, [Buffer.alloc(10)], 11)).rejects.toMatchObject({ code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 });
    await expect(read(memory, [Buffer.alloc(12)], 11)).rejects.toMatchObject({ code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
    expect(memory.idleBytes).toBe(MiB);
  });

  it('answers a stream error with a 400 unless it carries its own status', async () => {
    const memory = new SharedBatchMemory(16 * MiB);
    const payload = new PassThrough();
    const reading = readSharedBody(memory, request(), payload, MiB);
    payload.destroy(new Error('aborted'));
    await expect(reading).rejects.toMatchObject({ message: 'aborted', statusCode: 400 });
  });
});

describe('RawEventBatch (an ingest body in its slot)', () => {
  it('shows the body and the room after it, and refuses to be read once its slot is given back', async () => {
    const memory = new SharedBatchMemory(16 * MiB);
    const batch = new RawEventBatch(await read(memory, [Buffer.from('abc')], 3), memory);
    expect(Buffer.from(batch.bytes).toString()).toBe('abc');
    expect(batch.copyArea.byteOffset).toBe(3);
    expect(batch.copyArea.byteLength).toBe(batch.memory.byteLength - 3);
    batch.giveBack();
    batch.giveBack(); // once only
    expect(memory.idleBytes).toBe(MiB);
    expect(() => batch.bytes).toThrow(/after its memory was given back/);
  });
});
