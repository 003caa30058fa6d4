import { BadRequestException } from '@nestjs/common';
import { UnreadableEntry } from '@ledger/domain';

export const NDJSON = 'application/x-ndjson';

/**
 * Turns a request body into batch entries. JSON bodies must be `{"events": [...]}`; an NDJSON
 * body is one event per line, where a line that is not JSON is rejected on its own (with its
 * line number) and blank lines are ignored.
 */
export function entriesFromBody(contentType: string | undefined, body: unknown): unknown[] {
  if (contentType?.startsWith(NDJSON)) return entriesFromNdjson(typeof body === 'string' ? body : '');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('the body must be a JSON object {"events": [ ... ]} or NDJSON (application/x-ndjson)');
  }
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) throw new BadRequestException('the body must have an "events" array');
  return events;
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
