import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// schema-types.ts is generated from the schema (`npm run codegen`) and checked in, so the resolvers
// compile against it; this spec fails when the SDL has moved on without it. It runs the CLI itself
// (in check mode, which writes nothing): the CLI cannot be loaded into jest, as it requires an
// ES-module-only dependency, and a second, in-process way to generate could drift from the script.
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const CODEGEN_CLI = join(REPO_ROOT, 'node_modules', '.bin', 'graphql-codegen');

describe('libs/graphql/src/generated/schema-types.ts', () => {
  it('is what `npm run codegen` generates', async () => {
    const check = promisify(execFile)(process.execPath, [CODEGEN_CLI, '--config', 'codegen.ts', '--check', '--silent'], { cwd: REPO_ROOT });
    await check.catch((error: { stdout: string; stderr: string }) => {
      const output = `${error.stdout}${error.stderr}`;
      if (output.includes('stale files were detected')) throw new Error(`the generated GraphQL types are stale: run npm run codegen\n${output}`);
      throw new Error(`npm run codegen fails:\n${output}`);
    });
  });
});
