import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UnreadableEntry } from '@ledger/domain';
import type { IngestService } from '@ledger/event-store';

export interface ImportSummary {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: { line: number; id: string | null; errors: string[] }[];
}

export interface ImportOptions {
  batchSize: number;
  /** Called after every batch with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number, summary: ImportSummary) => void;
}

/**
 * Bulk-loads an NDJSON file of outcome events for one platform through the same validation
 * and idempotent append as `POST /v1/events`, so a re-run of the same file stores nothing twice.
 */
export async function importEventsFile(
  ingest: IngestService,
  platform: string,
  path: string,
  { batchSize, onProgress }: ImportOptions,
): Promise<ImportSummary> {
  const totalBytes = (await stat(path)).size;
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const summary: ImportSummary = { lines: 0, accepted: 0, duplicates: 0, rejected: [] };
  let entries: unknown[] = [];
  let lineNumbers: number[] = [];

  const flush = async () => {
    if (entries.length === 0) return;
    const result = await ingest.ingest(platform, entries);
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    for (const rejection of result.rejected) {
      summary.rejected.push({ line: lineNumbers[rejection.index]!, id: rejection.id, errors: rejection.errors });
    }
    entries = [];
    lineNumbers = [];
    onProgress?.(stream.bytesRead, totalBytes, summary);
  };

  for await (const line of lines) {
    summary.lines += 1;
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line));
    } catch (error) {
      entries.push(new UnreadableEntry(`not valid JSON: ${(error as Error).message}`));
    }
    lineNumbers.push(summary.lines);
    if (entries.length >= batchSize) await flush();
  }
  await flush();
  return summary;
}
