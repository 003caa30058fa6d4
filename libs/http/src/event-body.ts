import { UnreadableEntry } from '@ledger/domain';

export const NDJSON = 'application/x-ndjson';

/** A body's entries, or why the body holds none (answered 400). */
export type BodyEntries = { ok: true; entries: unknown[] } | { ok: false; message: string };

/**
 * Turns a request body into batch entries. JSON bodies must be `{"events": [...]}` (or, for
 * `/v1/actions`, `{"actions": [...]}`); an NDJSON body is one entry per line, where a line that
 * is not JSON is rejected on its own (with its line number) and blank lines are ignored.
 * Pure (no Nest): ingest runs it on its parsing thread too.
 */
export function entriesFromBody(contentType: string | undefined, body: unknown, key: 'events' | 'actions' = 'events'): BodyEntries {
  if (contentType?.startsWith(NDJSON)) return { ok: true, entries: entriesFromNdjson(typeof body === 'string' ? body : '') };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: `the body must be a JSON object {"${key}": [ ... ]} or NDJSON (application/x-ndjson)` };
  }
  const entries = (body as Record<string, unknown>)[key];
  if (!Array.isArray(entries)) return { ok: false, message: `the body must have an "${key}" array` };
  return { ok: true, entries };
}

export function entriesFromNdjson(text: string): unknown[] {
  const entries: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line));
    } catch (error) {
      entries.push(new UnreadableEntry(`line ${i + 1} is not valid JSON: ${(error as Error).message}`));
    }
  }
  return entries;
}
