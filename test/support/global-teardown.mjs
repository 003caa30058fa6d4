import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const started = globalThis.__ledgerPostgres;
  if (!started) return;
  globalThis.__ledgerPostgres = undefined; // each project calls teardown; stop once
  await started.running.stop();
  await rm(started.dataDir, { recursive: true, force: true });
}
