import os from 'node:os';
import type pg from 'pg';
import { createTestDatabase } from '../../../test/support/test-database';
import { backgroundOf, createDatabase, Database, settleBackgroundPriority, withRawClient } from './database';
import { lowerBackendPriority } from './background-priority';

const backendPid = (db: Database) => withRawClient(db, async (client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);

describe('background work on Postgres backends of lower CPU priority', () => {
  let url: string;
  beforeAll(async () => (url = await createTestDatabase()));

  it('lowers the priority of the background pool’s backends only, on a Postgres of this machine', async () => {
    const db = createDatabase({ url, poolSize: 2, applicationName: 'priority-spec', backgroundNice: 7 });
    try {
      const outcome = await settleBackgroundPriority(db);
      if (outcome?.lowered === true) {
        expect(backgroundOf(db)).not.toBe(db);
        expect(os.getPriority(await backendPid(backgroundOf(db)))).toBe(7);
        expect(os.getPriority(await backendPid(db))).toBe(0);
      } else {
        // A test Postgres elsewhere (DATABASE_URL): the one pool serves everything, and the reason is given.
        expect(outcome).toEqual({ lowered: false, reason: expect.stringMatching(/./) });
        expect(backgroundOf(db)).toBe(db);
      }
    } finally {
      await db.destroy();
    }
  });

  it('keeps one pool when no nice value is given', async () => {
    const db = createDatabase({ url, poolSize: 2, applicationName: 'priority-spec' });
    try {
      expect(await settleBackgroundPriority(db)).toBeNull();
      expect(backgroundOf(db)).toBe(db);
    } finally {
      await db.destroy();
    }
  });

  it('leaves a backend alone when the server’s data directory is not on this machine', async () => {
    const elsewhere = { query: async () => ({ rows: [{ pid: process.pid, data_directory: '/nonexistent/sla-ledger/pgdata', port: '5432' }] }) } as unknown as pg.ClientBase;
    const before = os.getPriority(process.pid);

    expect(await lowerBackendPriority(elsewhere, 10)).toEqual({ lowered: false, reason: 'Postgres does not run on this machine' });
    expect(os.getPriority(process.pid)).toBe(before);
  });

  it('leaves a backend alone when the server does not say where its data is', async () => {
    const refusing = { query: async () => Promise.reject(new Error('permission denied to examine "data_directory"')) } as unknown as pg.ClientBase;

    expect(await lowerBackendPriority(refusing, 10)).toEqual({ lowered: false, reason: expect.stringContaining('cannot read the server') });
  });
});
