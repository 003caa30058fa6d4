import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The worked example day, kept as data in the repository's `examples/`. */
export const EXAMPLES = join(__dirname, '../../examples');

export function seedDayFile(platform: 'notion' | 'acme-wiki'): string {
  return readFileSync(join(EXAMPLES, `seed-day.${platform}.ndjson`), 'utf8');
}

export function seedDayExpected(): any {
  return JSON.parse(readFileSync(join(EXAMPLES, 'seed-day.expected.json'), 'utf8'));
}
