import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The spec's worked example day (../shared/spec/examples beside the repository). */
export const EXAMPLES = join(__dirname, '../../../shared/spec/examples');

export function seedDayFile(platform: 'notion' | 'acme-wiki'): string {
  const path = join(EXAMPLES, `seed-day.${platform}.ndjson`);
  if (!existsSync(path)) throw new Error(`the spec's examples are missing: ${path}`);
  return readFileSync(path, 'utf8');
}

export function seedDayExpected(): any {
  return JSON.parse(readFileSync(join(EXAMPLES, 'seed-day.expected.json'), 'utf8'));
}
