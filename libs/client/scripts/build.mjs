// Builds the package: dist/esm (ES modules) and dist/cjs (CommonJS), each with declarations.
// `node scripts/build.mjs [--out-dir DIR]` (default: dist/ beside this package's package.json).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const outFlag = process.argv.indexOf('--out-dir');
const outDir = outFlag === -1 ? join(packageDir, 'dist') : resolve(process.argv[outFlag + 1]);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(outDir, { recursive: true, force: true });
for (const [format, type] of [['esm', 'module'], ['cjs', 'commonjs']]) {
  const formatDir = join(outDir, format);
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, `tsconfig.${format}.json`), '--outDir', formatDir], { stdio: 'inherit' });
  // Each half says how Node is to read its .js files, whatever the package.json above says.
  mkdirSync(formatDir, { recursive: true });
  writeFileSync(join(formatDir, 'package.json'), `${JSON.stringify({ type })}\n`);
}
addJsExtensions(join(outDir, 'esm'));

/**
 * Node (and browsers) resolve an ES module's relative imports only with their extension. The
 * sources import without one (so that the root build and jest read them as they are), so the
 * ESM output and its declarations get `.js` added here.
 */
function addJsExtensions(dir) {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.js') && !name.endsWith('.d.ts')) continue;
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+?)\2/g, (whole, lead, quote, path) =>
      path.endsWith('.js') ? whole : `${lead}${quote}${path}.js${quote}`,
    );
    if (fixed !== text) writeFileSync(file, fixed);
  }
}
