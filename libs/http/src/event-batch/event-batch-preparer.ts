import { join } from 'node:path';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { ValidationContext } from '@ledger/domain';
import type { PreparedSharedBody, SharedBodyTask } from './event-batch.worker';
import { prepareEventBatch, PreparedBody, withCopyBytes } from './prepare-event-batch';
import type { RawEventBatch } from './shared-body-reader';

/** How many threads parse and validate ingest bodies in one process (INGEST_THREADS); 0: the event loop does. */
export const INGEST_THREADS = Symbol('INGEST_THREADS');

/**
 * A body's garbage is short-lived (each entry's text and parsed object), but its validated events
 * live until the batch is encoded: a young generation smaller than that set copies it again at
 * every collection. At 8 MB the thread spent 7.7–8.8 µs of CPU per event, mostly collecting; at
 * 16 MB (semi-spaces of ~5 MB, above a 5,000-event body's ~2.5 MB of events), 3.8–4.0; at 32 MB
 * the whole service spends 4.8–5.1 µs per event against 5.8 at 16 (bench:ingest; V8's helper
 * threads collect less often), at the same peak RSS (the young generation only grows as far as
 * the survivors need).
 */
const THREAD_YOUNG_GENERATION_MB = 32;

/**
 * The thread runs at a lower priority than the rest of the machine (Linux nice 10; where the
 * platform cannot, at the same). When the cores are all busy, the projections' folding and the
 * queries go first and ingest waits: measured with 4 M events posted flat out, the projections'
 * lag p99 fell from 5.8–9.0 s to 3.1–4.2 s, queries' p95 by a further third, and ingest by a
 * quarter. With a core to spare, the priority changes nothing (bench:ingest alike at 0 and 10).
 */
const THREAD_NICE_INCREMENT = 10;

/** The compiled thread entry, beside this file. */
const THREAD_SCRIPT = join(__dirname, 'event-batch.worker.js');

/**
 * Parses and validates ingest bodies on worker threads. A 5,000-event body costs some 20 ms of
 * CPU to parse and validate; on the event loop, each step of a query (each database round trip)
 * could wait that long behind one. The loop now only moves bytes: the body arrives in memory it
 * shares with the thread (see SharedBatchMemory), and the thread writes the batch's COPY text
 * after it for the loop to send to Postgres. The pool starts with the first body, so processes
 * that take none (or none yet) hold no thread. With no threads, bodies are prepared on the event
 * loop: less memory, and what the in-process tests do (they run the TypeScript sources, which
 * have no compiled thread script; the tests of the built service run the thread).
 */
@Injectable()
export class EventBatchPreparer implements OnApplicationShutdown {
  private pool: Piscina<SharedBodyTask, PreparedSharedBody> | null = null;

  constructor(@Inject(INGEST_THREADS) private readonly threads: number) {}

  /**
   * The body prepared, and the input it was prepared from (for the slower path, which reads it
   * again). The COPY text lies in the body's memory: read it before giving that back.
   */
  async prepare(contentType: string, body: RawEventBatch, context: ValidationContext): Promise<PreparedBody> {
    const input = { contentType, bytes: body.bytes, context };
    if (this.threads === 0) return { prepared: prepareEventBatch(input, body.copyArea), input };
    this.pool ??= new Piscina({
      filename: THREAD_SCRIPT, minThreads: this.threads, maxThreads: this.threads, idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB }, niceIncrement: THREAD_NICE_INCREMENT,
    });
    const { memory, byteLength: bodyBytes } = body;
    const { prepared, copyAt } = await this.pool.run({ contentType, context, memory, bodyBytes });
    if (!prepared.ok || copyAt === null) return { prepared, input };
    return { prepared: withCopyBytes(prepared, new Uint8Array(memory, copyAt.offset, copyAt.length)), input };
  }

  /** After the HTTP server has closed, so that the batches it was still answering were prepared. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
  }
}
