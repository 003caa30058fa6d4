import { sql } from 'kysely';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { ApiKeyRepository } from './api-key.repository';

describe('ApiKeyRepository against Postgres', () => {
  let db: Database;
  let keys: ApiKeyRepository;
  beforeAll(async () => {
    db = await openTestDatabase();
    keys = new ApiKeyRepository(db);
  });
  afterAll(() => db.destroy());

  const newKey = (id: string, overrides: Partial<Parameters<ApiKeyRepository['insert']>[1]> = {}) => ({
    id,
    platform: 'notion',
    name: `key ${id}`,
    scopes: ['ingest', 'read'],
    // Bytes a text column would mangle: a NUL, a high byte, a trailing zero.
    secretHash: Buffer.from([0x00, 0xff, 0x10, 0x80, 0x00]),
    createdAt: new Date('2026-06-01T10:00:00.123Z'),
    ...overrides,
  });
  const insert = (key: ReturnType<typeof newKey>) => db.transaction().execute((trx) => keys.insert(trx, key));

  it('stores a key and reads it back, active, exactly as given', async () => {
    const key = newKey('k-roundtrip', { scopes: ['read', 'admin'] });
    await insert(key);

    expect(await keys.findActive('k-roundtrip')).toEqual({
      id: 'k-roundtrip',
      platform: 'notion',
      name: 'key k-roundtrip',
      scopes: ['read', 'admin'],
      secret_hash: key.secretHash,
      created_at: key.createdAt,
      revoked_at: null,
    });
  });

  it('keeps a staff key\'s missing platform and name as nulls', async () => {
    await insert(newKey('k-staff', { platform: null, name: null, scopes: ['admin'] }));

    expect(await keys.findActive('k-staff')).toMatchObject({ platform: null, name: null, scopes: ['admin'] });
  });

  it('refuses a second key with the same id and keeps the first', async () => {
    await insert(newKey('k-twice', { name: 'first' }));

    await expect(insert(newKey('k-twice', { name: 'second' }))).rejects.toMatchObject({ code: '23505' });
    expect((await keys.findActive('k-twice'))?.name).toBe('first');
  });

  it('finds no key by an unknown id', async () => {
    expect(await keys.findActive('k-nobody')).toBeUndefined();
  });

  it('revokes a key once: it stops being active, and the first revocation time stays', async () => {
    await insert(newKey('k-revoke'));
    const firstRevocation = new Date('2026-06-02T08:00:00.000Z');

    expect(await db.transaction().execute((trx) => keys.revoke(trx, 'k-revoke', firstRevocation))).toBe(true);
    expect(await keys.findActive('k-revoke')).toBeUndefined();
    expect(await db.transaction().execute((trx) => keys.revoke(trx, 'k-revoke', new Date('2026-06-03T08:00:00.000Z')))).toBe(false);

    const stored = (await keys.list()).find((k) => k.id === 'k-revoke');
    expect(stored?.revoked_at).toEqual(firstRevocation);
  });

  it('answers false when revoking an unknown key, and stores nothing', async () => {
    expect(await db.transaction().execute((trx) => keys.revoke(trx, 'k-never-created', new Date()))).toBe(false);
    expect((await keys.list()).some((k) => k.id === 'k-never-created')).toBe(false);
  });

  it('undoes a revocation whose transaction rolls back (the admin event and the read model commit together)', async () => {
    await insert(newKey('k-rolled-back'));

    const failing = db.transaction().execute(async (trx) => {
      expect(await keys.revoke(trx, 'k-rolled-back', new Date())).toBe(true);
      throw new Error('the admin event could not be appended');
    });
    await expect(failing).rejects.toThrow('could not be appended');

    expect(await keys.findActive('k-rolled-back')).toMatchObject({ id: 'k-rolled-back', revoked_at: null });
  });

  it('lists every key, revoked ones too, by creation time and then id', async () => {
    const at = (iso: string) => new Date(iso);
    // Inserted out of order; two share a creation time, so the id breaks the tie.
    await insert(newKey('list-c', { createdAt: at('2025-01-01T00:00:02.000Z') }));
    await insert(newKey('list-b', { createdAt: at('2025-01-01T00:00:01.000Z') }));
    await insert(newKey('list-a', { createdAt: at('2025-01-01T00:00:02.000Z') }));
    await insert(newKey('list-d', { createdAt: at('2025-01-01T00:00:00.500Z') }));
    await db.transaction().execute((trx) => keys.revoke(trx, 'list-d', at('2025-01-02T00:00:00.000Z')));

    const listed = (await keys.list()).filter((k) => k.id.startsWith('list-'));
    expect(listed.map((k) => [k.id, k.revoked_at])).toEqual([
      ['list-d', at('2025-01-02T00:00:00.000Z')],
      ['list-b', null],
      ['list-a', null],
      ['list-c', null],
    ]);
  });

  it('reads the stored hash byte for byte (what authentication compares the presented secret with)', async () => {
    const hash = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37) % 256));
    await insert(newKey('k-hash', { secretHash: hash }));

    const { rows } = await sql<{ hex: string }>`SELECT encode(secret_hash, 'hex') AS hex FROM api_keys WHERE id = 'k-hash'`.execute(db);
    expect(rows[0]?.hex).toBe(hash.toString('hex'));
    expect((await keys.findActive('k-hash'))?.secret_hash.equals(hash)).toBe(true);
  });
});
