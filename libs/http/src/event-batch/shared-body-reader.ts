import type { Readable } from 'node:stream';
import { errorCodes, FastifyRequest } from 'fastify';
import { SharedBatchMemory } from './shared-batch-memory';

/** A request body in a slot of shared memory: its first `byteLength` bytes. */
export interface SharedBody {
  memory: SharedArrayBuffer;
  byteLength: number;
}

/**
 * The body of a `POST /v1/events`, as the content-type parsers hand it over: its bytes, unparsed,
 * in a slot of shared memory, so that parsing and validating happen on the ingest thread rather
 * than the event loop, and the thread writes the batch's COPY text after them (`copyArea`).
 */
export class RawEventBatch {
  private givenBack = false;

  constructor(private readonly body: SharedBody, private readonly owner: SharedBatchMemory) {}

  get memory(): SharedArrayBuffer {
    return this.inUse().memory;
  }

  get byteLength(): number {
    return this.body.byteLength;
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.inUse().memory, 0, this.body.byteLength);
  }

  /** The rest of the slot, after the body. */
  get copyArea(): Uint8Array {
    return new Uint8Array(this.inUse().memory, this.body.byteLength);
  }

  /** Once neither the body nor what was written after it is read any more: the slot may serve another request. */
  giveBack(): void {
    if (this.givenBack) return;
    this.givenBack = true;
    this.owner.give(this.body.memory);
  }

  private inUse(): SharedBody {
    if (this.givenBack) throw new Error('internal: a body was read after its memory was given back');
    return this.body;
  }
}

/**
 * Reads a request body into a slot of `memory` as it arrives, checked as Fastify checks the
 * bodies it reads itself: at most `limit` bytes (decompressed), and as many as Content-Length
 * says. Fastify would gather the chunks and copy them into a new buffer of the body's size; here
 * the chunks are copied once, into memory that is reused from request to request (see
 * SharedBatchMemory for why that matters). The slot is the caller's to give back; when reading
 * fails, it has been given back already.
 */
export function readSharedBody(memory: SharedBatchMemory, request: FastifyRequest, payload: Readable, limit: number): Promise<SharedBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) return reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    // A body of no declared length (chunked, or compressed) starts in the smallest slot and grows as it arrives.
    let slot = memory.take(Number.isNaN(declared) ? 0 : declared);
    let length = 0;

    const stop = (error: Error | null) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onEnd);
      if (error === null) return;
      memory.give(slot);
      reject(error);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const encoded = (payload as { receivedEncodedLength?: number }).receivedEncodedLength ?? 0;
      if (length + bytes.length > limit || encoded > limit) return stop(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      if (2 * (length + bytes.length) > slot.byteLength) slot = grown(memory, slot, length, Math.max(length + bytes.length, 2 * length));
      new Uint8Array(slot).set(bytes, length);
      length += bytes.length;
    };
    const onEnd = (error?: Error & { statusCode?: number }) => {
      if (error != null) {
        if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
        return stop(error);
      }
      const received = (payload as { receivedEncodedLength?: number }).receivedEncodedLength || length;
      if (!Number.isNaN(declared) && received !== declared) return stop(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      stop(null);
      resolve({ memory: slot, byteLength: length });
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onEnd);
    payload.resume();
  });
}

/** A slot for a body of `bodyBytes` holding the first `length` bytes of `slot`, which is given back. */
function grown(memory: SharedBatchMemory, slot: SharedArrayBuffer, length: number, bodyBytes: number): SharedArrayBuffer {
  const bigger = memory.take(bodyBytes);
  new Uint8Array(bigger).set(new Uint8Array(slot, 0, length));
  memory.give(slot);
  return bigger;
}
