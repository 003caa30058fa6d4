import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';

// The README names the oldest Node the service runs on; `npm ci` on that Node must not warn that
// an installed package wants a newer one. Some dependencies raise their `engines` in a new major
// without using anything newer; package.json pins or overrides those to versions that accept it.
const root = join(__dirname, '..');
const readJson = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

describe('the Node the README names', () => {
  const range: string = readJson('package.json').engines.node;
  const oldest = minVersion(range)!.version;

  it('is the one package.json declares', () => {
    const [major, minor] = oldest.split('.');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`Node.js ${major}.${minor} or newer`);
    expect(readFileSync(join(root, 'docs/operations.md'), 'utf8')).toContain(`Node ${major}.${minor} or newer`);
  });

  it('is accepted by every package in the lockfile', () => {
    const packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> =
      readJson('package-lock.json').packages;
    const refusing = Object.entries(packages)
      .filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines) && entry.engines?.node)
      .filter(([, entry]) => !satisfies(oldest, (entry.engines as { node: string }).node))
      .map(([path, entry]) => `${path}@${entry.version} wants node ${(entry.engines as { node: string }).node}`);
    expect(Object.keys(packages).length).toBeGreaterThan(500);
    expect(refusing).toEqual([]);
  });
});
