import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The repository must work as a fresh clone with nothing beside it: no tracked file may read
// or link a path that climbs out of the repository. Such a reference is a relative path that
// starts with `../` and resolves above the root, written in code, a link or a shell command.
const root = join(__dirname, '..');

/** Relative references (`../x`, `../../x`) in a file's text, with the line each is on. */
function climbingReferences(text: string): { line: number; reference: string }[] {
  const found: { line: number; reference: string }[] = [];
  const pattern = /(?<![\w.@/-])((?:\.\.\/)+)[\w.-]+(?:\/[\w.-]+)*/g;
  text.split('\n').forEach((content, index) => {
    for (const match of content.matchAll(pattern)) found.push({ line: index + 1, reference: match[0] });
  });
  return found;
}

/** Whether `reference`, written in the file at `file` (relative to the root), resolves outside the root. */
function leavesRepository(file: string, reference: string): boolean {
  const depth = file.split('/').length - 1; // folders between the root and the file
  const climbs = reference.match(/^(?:\.\.\/)+/)![0].length / 3;
  return climbs > depth;
}

describe('the repository stands alone', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    // This file is left out: its own self-test below writes references that climb out on purpose.
    .filter((file) => file !== '' && file !== 'package-lock.json' && !file.startsWith('examples/') && file !== 'test/stands-alone.e2e-spec.ts');

  it('has tracked files to check', () => {
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked).toEqual(expect.arrayContaining(['README.md', 'test/support/seed-day.ts', 'jest.config.js']));
  });

  it('no tracked file reads or links a path outside the repository', () => {
    const outside: string[] = [];
    for (const file of tracked) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // deleted in the work tree but still in the index
      }
      for (const { line, reference } of climbingReferences(text)) {
        if (leavesRepository(file, reference)) outside.push(`${file}:${line}: ${reference}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('recognises a reference that climbs out, and one that stays inside', () => {
    const text = 'see [notes](../outside/notes.md)\nimport x from "../../libs/domain";\nnot a path: a..b/c';
    const references = climbingReferences(text);
    expect(references).toEqual([
      { line: 1, reference: '../outside/notes.md' },
      { line: 2, reference: '../../libs/domain' },
    ]);
    expect(leavesRepository('README.md', '../outside/notes.md')).toBe(true);
    expect(leavesRepository('test/support/seed-day.ts', '../../examples')).toBe(false);
    expect(leavesRepository('test/support/seed-day.ts', '../../../outside/examples')).toBe(true);
  });
});
