// The ingest thread's entry point (Piscina): each task is one body, in memory shared with the event loop, to parse and validate.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { ValidationContext } from '@ledger/domain';
import { PreparedEventBatch, prepareEventBatch, withCopyBytes } from './prepare-event-batch';

/** A body to prepare: its bytes at the start of `memory` (a SharedBatchMemory slot); the COPY text goes after them. */
export interface SharedBodyTask {
  contentType: string;
  context: ValidationContext;
  memory: SharedArrayBuffer;
  bodyBytes: number;
}

/**
 * The body prepared. Its COPY text lies in the task's memory at `copyAt` (and `copyBytes` is
 * empty), or, when it did not fit there, in `copyBytes`, moved to the event loop rather than copied.
 */
export interface PreparedSharedBody {
  prepared: PreparedEventBatch;
  copyAt: { offset: number; length: number } | null;
}

/** Prepares a body where it lies, writing its COPY text after it when there is room. */
export default function prepareOnThread(task: SharedBodyTask): PreparedSharedBody | ReturnType<typeof move> {
  const input = { contentType: task.contentType, context: task.context, bytes: new Uint8Array(task.memory, 0, task.bodyBytes) };
  const prepared = prepareEventBatch(input, new Uint8Array(task.memory, task.bodyBytes));
  if (!prepared.ok) return { prepared, copyAt: null };
  const { copyBytes } = prepared.plan.batch;
  if (copyBytes.buffer === task.memory) {
    return { prepared: withCopyBytes(prepared, new Uint8Array(0)), copyAt: { offset: copyBytes.byteOffset, length: copyBytes.byteLength } };
  }
  const answer: PreparedSharedBody = { prepared, copyAt: null };
  return move({ [transferableSymbol]: [copyBytes.buffer], [valueSymbol]: answer });
}
