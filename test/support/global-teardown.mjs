import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const started = globalThis.__ledgerPostgres;
  if (!started) return;
  await started.running.stop();
  await rm(started.dataDir, { recursive: true, force: true });
}
