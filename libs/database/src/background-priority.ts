import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';

/**
 * Lowers the CPU priority (Linux nice) of the Postgres backend serving `client`, when that
 * backend is a process of a Postgres running on this machine: its data directory is here, and
 * the postmaster named in the directory's postmaster.pid, listening on the same port, is the
 * backend's parent. Anything else — a Postgres on another host, in another container, or one
 * this process may not renice — leaves the priority as it is and says why.
 *
 * Why: on a machine whose cores Postgres and the service share (the embedded Postgres), ingest's
 * COPY and the projections' folds keep every core busy, and a query's backend then waits its turn
 * among theirs. At a lower priority they yield the CPU to the queries' backends whenever one is
 * runnable and take the rest, so the bulk work loses little and a query runs nearly as on an idle
 * machine.
 */
export async function lowerBackendPriority(client: pg.ClientBase, nice: number): Promise<{ lowered: true } | { lowered: false; reason: string }> {
  let backend: { pid: number; data_directory: string; port: string };
  try {
    const { rows } = await client.query<{ pid: number; data_directory: string; port: string }>(
      "SELECT pg_backend_pid() AS pid, current_setting('data_directory') AS data_directory, current_setting('port') AS port",
    );
    backend = rows[0]!;
  } catch (error) {
    return { lowered: false, reason: `cannot read the server's data directory (${(error as Error).message})` };
  }
  const postmaster = await readPostmasterPid(backend.data_directory);
  if (postmaster === null || postmaster.port !== backend.port) return { lowered: false, reason: 'Postgres does not run on this machine' };
  if ((await parentOf(backend.pid)) !== postmaster.pid) return { lowered: false, reason: 'Postgres does not run on this machine' };
  try {
    os.setPriority(backend.pid, nice);
    return { lowered: true };
  } catch (error) {
    return { lowered: false, reason: `not permitted to renice Postgres' processes (${(error as Error).message})` };
  }
}

/** The postmaster's pid and port from `postmaster.pid` (first and fourth lines), or null when there is none here. */
async function readPostmasterPid(dataDirectory: string): Promise<{ pid: number; port: string } | null> {
  try {
    const lines = (await readFile(join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    return Number.isInteger(pid) && pid > 0 ? { pid, port: (lines[3] ?? '').trim() } : null;
  } catch {
    return null;
  }
}

/** The parent pid of a process of this machine, from /proc; null when there is no such process (or no /proc). */
async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}
