import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { MAX_EVENTS_PER_BATCH, InputError, Scope } from '@ledger/domain';
import { migrateToLatest } from '@ledger/database';
import { ApiKeyRepository, ApiKeyService } from '@ledger/auth';
import { AdminEventRepository, IngestService, OutcomeEventRepository } from '@ledger/event-store';
import { DEFAULT_STRETCH_BYTES } from '@ledger/projections';
import { alertsCommand } from './alerts';
import { archiveCommand } from './archive';
import { claimsCommand } from './claims';
import { createProjectionRunner } from '@ledger/runtime';
import { CliContext, openCliContext } from './cli-context';
import { runDemo } from './demo';
import { importEventsFile } from './import-file';
import { graphqlSchemaDocument } from './print-schema';

/** Runs a command against the database, always closing it (and an embedded Postgres it started). */
async function withContext(work: (context: CliContext) => Promise<void>, options?: { migrate: boolean }): Promise<void> {
  const context = await openCliContext(options);
  try {
    await work(context);
  } finally {
    await context.close();
  }
}

const keyService = ({ db }: CliContext) => new ApiKeyService(db, new ApiKeyRepository(db), new AdminEventRepository());

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_EVENTS_PER_BATCH) {
    throw new InvalidArgumentError(`a whole number from 1 to ${MAX_EVENTS_PER_BATCH}`);
  }
  return n;
}

/** A size in megabytes, 0 or more (commander option parser). */
function megabytes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number of megabytes, 0 or more');
  return n;
}

const program = new Command('sla-ledger')
  .description('SLA Ledger operator commands. Uses DATABASE_URL, or the embedded Postgres under DATA_DIR (./.data).')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending schema migrations (the service also does this at start)')
  .action(() =>
    withContext(
      async ({ db }) => {
        const applied = await migrateToLatest(db);
        console.log(applied.length === 0 ? 'The schema is up to date.' : `Applied: ${applied.join(', ')}`);
      },
      { migrate: false },
    ),
  );

const keys = program.command('keys').description('create, list and revoke API keys');

keys
  .command('create')
  .description('create a key; its secret is printed once and only a hash is stored')
  .option('--platform <slug>', 'the platform the key belongs to (omit for a staff key)')
  .requiredOption('--scopes <list>', 'comma-separated: ingest, read, admin')
  .option('--name <name>', 'a label to recognise the key by')
  .action((options: { platform?: string; scopes: string; name?: string }) =>
    withContext(async (context) => {
      const created = await keyService(context).create(
        {
          platform: options.platform ?? null,
          scopes: options.scopes.split(',').map((s) => s.trim()).filter(Boolean) as Scope[],
          name: options.name ?? null,
        },
        null,
      );
      console.log(`id:       ${created.id}`);
      console.log(`platform: ${created.platform ?? '(staff key)'}`);
      console.log(`scopes:   ${created.scopes.join(', ')}`);
      console.log(`secret:   ${created.secret}`);
      console.log('Store the secret now: it is not shown again.');
    }),
  );

keys
  .command('list')
  .description('list keys (never their secrets)')
  .action(() =>
    withContext(async (context) => {
      const all = await keyService(context).list();
      console.table(
        all.map((k) => ({
          id: k.id,
          platform: k.platform ?? '(staff)',
          name: k.name ?? '',
          scopes: k.scopes.join(','),
          created: k.createdAt.toISOString(),
          revoked: k.revokedAt?.toISOString() ?? '',
        })),
      );
    }),
  );

keys
  .command('revoke <id>')
  .description('revoke a key at once')
  .action((id: string) =>
    withContext(async (context) => {
      const revoked = await keyService(context).revoke(id, null);
      console.log(revoked ? `Revoked ${id}.` : `No active key ${id}.`);
      if (!revoked) process.exitCode = 1;
    }),
  );

program
  .command('import <file>')
  .description('bulk-load an NDJSON file of outcome events for a platform (idempotent: re-running stores nothing twice)')
  .requiredOption('--platform <slug>', 'the platform whose events these are')
  .option('--batch-size <n>', 'events per transaction', batchSize, 5_000)
  .option('--show <n>', 'how many rejections to list', (v) => Number(v), 50)
  .action((file: string, options: { platform: string; batchSize: number; show: number }) =>
    withContext(async ({ db, config }) => {
      const ingest = new IngestService(new OutcomeEventRepository(db), { days: config.rawEventsRetentionDays, archiveDir: config.archiveDir });
      const bar = new SingleBar(
        { format: 'importing [{bar}] {percentage}% | {accepted} accepted, {duplicates} duplicates, {rejected} rejected', hideCursor: true },
        Presets.shades_classic,
      );
      bar.start(1, 0, { accepted: 0, duplicates: 0, rejected: 0 });
      const summary = await importEventsFile(ingest, options.platform, file, {
        batchSize: options.batchSize,
        onProgress: (read, total, s) => {
          bar.setTotal(total);
          bar.update(read, { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected.length });
        },
      });
      bar.stop();
      console.log(`lines read: ${summary.lines}`);
      console.log(`accepted:   ${summary.accepted}`);
      console.log(`duplicates: ${summary.duplicates}`);
      console.log(`rejected:   ${summary.rejected.length}`);
      for (const r of summary.rejected.slice(0, options.show)) {
        console.log(`  line ${r.line}${r.id === null ? '' : ` (id ${r.id})`}: ${r.errors.join('; ')}`);
      }
      if (summary.rejected.length > options.show) console.log(`  … and ${summary.rejected.length - options.show} more (use --show)`);
    }),
  );

program
  .command('rebuild')
  .description('replay the whole log into fresh read models (rollups, outages, vendor summaries), built aside and swapped in at once')
  .option('--batch-size <n>', 'events per transaction when folding what arrived during the rebuild', (v) => Number(v), 250_000)
  .option('--without-archived-days', 'rebuild although archived days are not restored (their rollups and outages are lost)')
  .option('--stretch-mb <n>', 'megabytes of the log (whole days) folded in memory at a time (at least a day): less takes less memory', megabytes, DEFAULT_STRETCH_BYTES / 2 ** 20)
  .action((options: { batchSize: number; withoutArchivedDays?: boolean; stretchMb: number }) =>
    withContext(async ({ db }) => {
      const bar = new SingleBar({ format: 'rebuilding [{bar}] {percentage}% | {value}/{total} events | {phase}', hideCursor: true }, Presets.shades_classic);
      const started = Date.now();
      bar.start(1, 0, { phase: 'folding' });
      const result = await createProjectionRunner(db).rebuild({
        batchSize: options.batchSize,
        withoutArchivedDays: options.withoutArchivedDays === true,
        stretchBytes: options.stretchMb * 2 ** 20,
        onProgress: ({ folded, total, phase }) => {
          bar.setTotal(Math.max(total, 1));
          bar.update(folded, { phase });
        },
      });
      bar.stop();
      const seconds = (Date.now() - started) / 1000;
      console.log(`Rebuilt every read model from ${result.folded} events in ${seconds.toFixed(1)} s (${Math.round(result.folded / Math.max(seconds, 0.001))} events/s) and swapped them in.`);
    }),
  );

program.addCommand(archiveCommand(withContext));
program.addCommand(claimsCommand(withContext));
program.addCommand(alertsCommand(withContext));

program
  .command('demo')
  .description('load a synthetic June 2026 (3 platforms, 3 providers, the seed incident of 2026-06-07), project it, define example contracts')
  .action(() => withContext(({ db, config }) => runDemo(db, (line) => console.log(line), `http://localhost:${config.port}`)));

program
  .command('print-schema')
  .description('print the GraphQL schema the service serves (SDL); needs no database')
  .option('--out <file>', 'write it to this file instead of standard output')
  .action(async (options: { out?: string }) => {
    const text = graphqlSchemaDocument();
    if (options.out === undefined) process.stdout.write(text);
    else await writeFile(options.out, text, 'utf8');
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof InputError ? error.message : (error as Error).stack ?? String(error));
  process.exit(1);
});
