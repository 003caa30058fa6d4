import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * The files of an archived day of the outcome log: `<root>/outcome-events/<YYYY-MM-DD>/` holds
 * `events.ndjson.gz` (one event a line, in commit order) and `manifest.json` (count, SHA-256 of
 * the compressed file, time range, first and last position). A day is written under a
 * `.partial` name and renamed into place once complete, so a day's folder is always whole.
 */
export const ARCHIVE_FORMAT = 'sla-ledger/outcome-events@1';
const EVENTS_FILE = 'events.ndjson.gz';
const MANIFEST_FILE = 'manifest.json';

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  day: string;
  events: number;
  file: typeof EVENTS_FILE;
  bytes: number;
  /** Hex SHA-256 of the compressed file as stored. */
  sha256: string;
  firstOccurredAt: string | null;
  lastOccurredAt: string | null;
  /** transaction_id:global_position of the first and last event in commit order. */
  firstPosition: string | null;
  lastPosition: string | null;
  archivedAt: string;
}

/** One archived event, as a line of the NDJSON file. */
export interface ArchivedEvent {
  position: string;
  transactionId: string;
  platform: string;
  id: string;
  provider: string;
  model: string;
  occurredAt: string;
  outcome: string;
  httpStatus: number | null;
  errorCode: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  recordedAt: string;
}

export type ManifestFacts = Pick<ArchiveManifest, 'day' | 'firstOccurredAt' | 'lastOccurredAt' | 'firstPosition' | 'lastPosition'>;

const daysFolder = (root: string) => join(root, 'outcome-events');
export const dayFolder = (root: string, day: string) => join(daysFolder(root), day);
const partialFolder = (root: string, day: string) => join(daysFolder(root), `.${day}.partial`);

/**
 * Writes a day's archive from `lines` (NDJSON text, as COPY … TO STDOUT writes one JSON value a
 * row: with its backslashes doubled), verifies what was written, and only then moves it into
 * place. Returns the manifest.
 */
export async function writeDayArchive(root: string, facts: ManifestFacts, lines: Readable): Promise<ArchiveManifest> {
  const partial = partialFolder(root, facts.day);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new LineCounter();
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const file = join(partial, EVENTS_FILE);
  await pipeline(lines, new CopyTextUnescape(), counter, createGzip({ level: 6 }), tap, createWriteStream(file));
  await syncFile(file);
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT, ...facts, events: counter.lines, file: EVENTS_FILE, bytes, sha256: hash.digest('hex'), archivedAt: new Date().toISOString(),
  };
  await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  await syncFile(join(partial, MANIFEST_FILE));
  const problems = (await verifyFolder(partial, facts.day)).problems;
  if (problems.length > 0) throw new Error(`the archive of ${facts.day} did not verify after writing: ${problems.join('; ')}`);
  const final = dayFolder(root, facts.day);
  await rm(final, { recursive: true, force: true });
  await rename(partial, final);
  await syncFile(daysFolder(root));
  return manifest;
}

export interface Verification {
  day: string;
  manifest: ArchiveManifest | null;
  /** Empty when the archive is whole: its file hashes to the manifest's SHA-256 and holds its count of valid events of its day. */
  problems: string[];
}

/** Reads a day's archive end to end against its manifest. */
export async function verifyDayArchive(root: string, day: string): Promise<Verification> {
  return verifyFolder(dayFolder(root, day), day);
}

async function verifyFolder(folder: string, day: string): Promise<Verification> {
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')) as ArchiveManifest;
  } catch (error) {
    return { day, manifest: null, problems: [`no readable manifest: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  if (manifest.format !== ARCHIVE_FORMAT) problems.push(`unknown format ${JSON.stringify(manifest.format)}`);
  if (manifest.day !== day) problems.push(`the manifest is of ${manifest.day}`);
  const hash = createHash('sha256');
  let events = 0;
  try {
    const source = createReadStream(join(folder, manifest.file));
    source.on('data', (chunk) => hash.update(chunk));
    for await (const event of parseLines(source.pipe(createGunzip()))) {
      events++;
      if (utcDay(event.occurredAt) !== day) {
        problems.push(`event ${event.platform}/${event.id} occurred on ${utcDay(event.occurredAt)}`);
        break;
      }
    }
  } catch (error) {
    problems.push(`unreadable events file: ${(error as Error).message}`);
  }
  const sha256 = hash.digest('hex');
  if (problems.length === 0 && sha256 !== manifest.sha256) problems.push(`SHA-256 ${sha256} differs from the manifest's ${manifest.sha256}`);
  if (problems.length === 0 && events !== manifest.events) problems.push(`${events} events where the manifest says ${manifest.events}`);
  return { day, manifest, problems };
}

/** The archived events of a day, in commit order. */
export async function* readDayArchive(root: string, day: string): AsyncGenerator<ArchivedEvent> {
  const folder = dayFolder(root, day);
  const manifest = JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')) as ArchiveManifest;
  yield* parseLines(createReadStream(join(folder, manifest.file)).pipe(createGunzip()));
}

/** Days that have an archive folder (whole or not), in order. */
export async function archivedDayFolders(root: string): Promise<string[]> {
  const entries = await readdir(daysFolder(root)).catch(() => [] as string[]);
  return entries.filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name)).sort();
}

/** Removes the half-written folders a crash left behind. */
export async function removePartialArchives(root: string): Promise<void> {
  const entries = await readdir(daysFolder(root)).catch(() => [] as string[]);
  await Promise.all(entries.filter((name) => name.endsWith('.partial')).map((name) => rm(join(daysFolder(root), name), { recursive: true, force: true })));
}

async function* parseLines(text: Readable): AsyncGenerator<ArchivedEvent> {
  for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
    if (line !== '') yield JSON.parse(line) as ArchivedEvent;
  }
}

const utcDay = (iso: string) => new Date(iso).toISOString().slice(0, 10);

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * COPY's text format doubles every backslash of a value (JSON text has no raw tabs or newlines,
 * the other characters it escapes). Undoes that, across chunk boundaries.
 */
class CopyTextUnescape extends Transform {
  private pendingBackslash = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === BACKSLASH) {
        if (this.pendingBackslash) {
          this.pendingBackslash = false;
          continue; // the second of a pair: already written
        }
        this.pendingBackslash = true;
      } else if (this.pendingBackslash) {
        done(new Error('unexpected COPY escape in archive text'));
        return;
      }
      out[n++] = byte;
    }
    done(null, out.subarray(0, n));
  }
}
const BACKSLASH = 0x5c;

/** Counts the lines passing through. */
class LineCounter extends Transform {
  lines = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) this.lines++;
    done(null, chunk);
  }
}
const NEWLINE = 0x0a;
