export default async function globalTeardown() {
  const run = globalThis.__ledgerTestRun;
  if (!run) return;
  globalThis.__ledgerTestRun = undefined; // each project calls teardown; clean up once
  // Stops the throwaway cluster (the template goes with it), or drops the template from DATABASE_URL's server.
  await run.teardown();
}
