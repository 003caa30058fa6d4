import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { MaintenanceRepository, MaintenanceWindow } from './maintenance.repository';

const at = (hhmm: string) => new Date(`2026-06-01T${hhmm}:00.000Z`);

function maintenanceWindow(id: string, provider: string, start: string, end: string, models: string[] = []): MaintenanceWindow {
  return { id, provider, models, start: at(start), end: at(end), reason: `planned work ${id}`, declaredAt: new Date('2026-05-30T08:15:30.250Z') };
}

describe('MaintenanceRepository against Postgres', () => {
  let db: Database;
  const maintenance = new MaintenanceRepository();
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  it('reads a window back exactly, with its models or none (every model of the provider)', async () => {
    const someModels = maintenanceWindow('mnt_models', 'roundtrip', '10:00', '11:00', ['claude-opus-4-7', 'claude-opus-4-8']);
    const allModels = { ...maintenanceWindow('mnt_all', 'roundtrip', '12:00', '12:30'), reason: 'database upgrade — «read-only»\nsecond line' };
    await maintenance.insert(db, someModels);
    await maintenance.insert(db, allModels);

    expect(await maintenance.overlapping(db, 'roundtrip', at('00:00'), at('23:59'))).toEqual([someModels, allModels]);
  });

  describe('overlapping', () => {
    // [10:00, 11:00)
    beforeAll(() => maintenance.insert(db, maintenanceWindow('mnt_edges', 'edges', '10:00', '11:00')));
    const found = async (from: string, to: string) => (await maintenance.overlapping(db, 'edges', at(from), at(to))).map((w) => w.id);

    it.each([
      ['ends exactly where the window starts', '09:00', '10:00', []],
      ['starts exactly where the window ends', '11:00', '12:00', []],
      ['shares its first minute', '09:00', '10:01', ['mnt_edges']],
      ['shares its last minute', '10:59', '12:00', ['mnt_edges']],
      ['lies inside it', '10:15', '10:45', ['mnt_edges']],
      ['contains it', '08:00', '13:00', ['mnt_edges']],
      ['is the same interval', '10:00', '11:00', ['mnt_edges']],
    ])('finds the window [start, end) when the range %s', async (_, from, to, expected) => {
      expect(await found(from, to)).toEqual(expected);
    });
  });

  it('finds only the provider\'s windows, earliest start first', async () => {
    await maintenance.insert(db, maintenanceWindow('mnt_late', 'ordered', '15:00', '16:00'));
    await maintenance.insert(db, maintenanceWindow('mnt_early', 'ordered', '06:00', '20:00'));
    await maintenance.insert(db, maintenanceWindow('mnt_middle', 'ordered', '09:00', '09:30', ['gpt-5']));
    await maintenance.insert(db, maintenanceWindow('mnt_elsewhere', 'ordered-too', '09:00', '10:00'));

    const windows = await maintenance.overlapping(db, 'ordered', at('00:00'), at('23:00'));
    expect(windows.map((w) => w.id)).toEqual(['mnt_early', 'mnt_middle', 'mnt_late']);
  });

  it('refuses a second window with the same id and keeps the first', async () => {
    await maintenance.insert(db, maintenanceWindow('mnt_clash', 'clash', '10:00', '11:00'));

    await expect(maintenance.insert(db, maintenanceWindow('mnt_clash', 'clash', '12:00', '13:00'))).rejects.toMatchObject({ code: '23505' });
    expect((await maintenance.overlapping(db, 'clash', at('00:00'), at('23:00'))).map((w) => w.start)).toEqual([at('10:00')]);
  });
});
