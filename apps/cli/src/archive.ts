import { Command, InvalidArgumentError } from 'commander';
import { OutcomeLogArchiver } from '@ledger/event-store';
import { createProjectionRunner } from '@ledger/runtime';
import type { CliContext } from './cli-context';

type WithContext = (work: (context: CliContext) => Promise<void>) => Promise<void>;

const archiverOf = ({ db, config }: CliContext) =>
  new OutcomeLogArchiver(db, config.archiveDir, createProjectionRunner(db).projections.map((p) => p.name));

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidArgumentError('a day, YYYY-MM-DD');
  return value;
}

const within = (d: string, range: { from?: string; to?: string }) => (range.from === undefined || d >= range.from) && (range.to === undefined || d <= range.to);

/** `archive list|verify|restore|run`: the log's days on disk and in Postgres (RAW_EVENTS_RETENTION_DAYS, ARCHIVE_DIR). */
export function archiveCommand(withContext: WithContext): Command {
  const archive = new Command('archive').description('archived days of the outcome log (ARCHIVE_DIR): list, verify, restore for a rebuild or an audit, run retention now');

  archive
    .command('list')
    .description('every day of the log and of the archive, and where its events are')
    .action(() =>
      withContext(async (context) => {
        const days = await archiverOf(context).list();
        if (days.length === 0) {
          console.log('The log has no days yet.');
          return;
        }
        const where = { 'in-log': 'in the log', archived: 'archived (not in the log)', restored: 'archived and restored', detached: 'being archived' } as const;
        console.log(`${'day'.padEnd(10)}  ${'events'.padStart(12)}  ${'where'.padEnd(26)}  sha256`);
        for (const d of days) {
          console.log(`${d.day}  ${(d.events === null ? '' : d.events.toLocaleString('en-US')).padStart(12)}  ${where[d.state].padEnd(26)}  ${d.sha256 ?? ''}`);
        }
        console.log(`Archive folder: ${context.config.archiveDir}`);
      }),
    );

  archive
    .command('verify')
    .description('read every archived day against its manifest (SHA-256, count) and the catalog; exit 1 on any problem')
    .option('--from <day>', 'first day', day)
    .option('--to <day>', 'last day', day)
    .action((range: { from?: string; to?: string }) =>
      withContext(async (context) => {
        const results = (await archiverOf(context).verify()).filter((r) => within(r.day, range));
        for (const r of results) {
          console.log(r.problems.length === 0 ? `${r.day}  ok   ${r.manifest!.events.toLocaleString('en-US')} events, sha256 ${r.manifest!.sha256}` : `${r.day}  BAD ${r.problems.join('; ')}`);
        }
        const bad = results.filter((r) => r.problems.length > 0).length;
        console.log(`${results.length} archived day${results.length === 1 ? '' : 's'} checked, ${bad} with problems.`);
        if (bad > 0) process.exitCode = 1;
      }),
    );

  archive
    .command('restore')
    .description('put archived days back into the log, positions kept (projections do not fold them again; a rebuild does)')
    .requiredOption('--from <day>', 'first day', day)
    .option('--to <day>', 'last day (default: --from)', day)
    .action((range: { from: string; to?: string }) =>
      withContext(async (context) => {
        const archiver = archiverOf(context);
        const days = (await archiver.list()).filter((d) => d.state === 'archived' && within(d.day, { from: range.from, to: range.to ?? range.from })).map((d) => d.day);
        if (days.length === 0) {
          console.log(`No archived day between ${range.from} and ${range.to ?? range.from} is out of the log.`);
          return;
        }
        const total = await archiver.restore(days, (d, events) => console.log(`${d}  restored ${events.toLocaleString('en-US')} events`));
        console.log(`Restored ${total.toLocaleString('en-US')} events of ${days.length} day${days.length === 1 ? '' : 's'}. With RAW_EVENTS_RETENTION_DAYS set, the worker archives them again at its next check.`);
      }),
    );

  archive
    .command('run')
    .description('archive and drop the days past the retention now (what the worker does every 15 minutes)')
    .option('--retention-days <n>', 'days kept besides today (default: RAW_EVENTS_RETENTION_DAYS)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of days, at least 1');
      return n;
    })
    .action((options: { retentionDays?: number }) =>
      withContext(async (context) => {
        const days = options.retentionDays ?? context.config.rawEventsRetentionDays;
        if (days === undefined) throw new InvalidArgumentError('no retention: set RAW_EVENTS_RETENTION_DAYS or pass --retention-days');
        const archived = await archiverOf(context).applyRetention(days);
        for (const m of archived) console.log(`${m.day}  archived ${m.events.toLocaleString('en-US')} events (${m.bytes.toLocaleString('en-US')} bytes), partition dropped`);
        console.log(archived.length === 0 ? `Nothing to archive: no day before the last ${days} (and a day of grace) is in the log, or its events are not all projected yet.` : `Archived ${archived.length} day${archived.length === 1 ? '' : 's'} to ${context.config.archiveDir}.`);
      }),
    );

  return archive;
}
