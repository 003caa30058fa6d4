import { loadConfig } from './config';

describe('loadConfig: DATABASE_READ_URL', () => {
  it('is unset by default, and an empty value counts as unset', () => {
    expect(loadConfig({}).databaseReadUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_READ_URL: '' }).databaseReadUrl).toBeUndefined();
  });

  it('is read beside DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://a@primary/db', DATABASE_READ_URL: 'postgres://a@replica/db' });
    expect([config.databaseUrl, config.databaseReadUrl]).toEqual(['postgres://a@primary/db', 'postgres://a@replica/db']);
  });
});

describe('loadConfig: raw-event retention', () => {
  it('keeps everything by default, and archives under DATA_DIR unless ARCHIVE_DIR says where', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/ledger' });
    expect([config.rawEventsRetentionDays, config.archiveDir]).toEqual([undefined, '/var/lib/ledger/archive']);
    expect(loadConfig({ RAW_EVENTS_RETENTION_DAYS: '90', ARCHIVE_DIR: '/mnt/archive' })).toMatchObject({ rawEventsRetentionDays: 90, archiveDir: '/mnt/archive' });
  });

  it('refuses a retention that is not a whole number of days, at least one', () => {
    expect(() => loadConfig({ RAW_EVENTS_RETENTION_DAYS: '0' })).toThrow(/RAW_EVENTS_RETENTION_DAYS/);
    expect(() => loadConfig({ RAW_EVENTS_RETENTION_DAYS: '1.5' })).toThrow(/RAW_EVENTS_RETENTION_DAYS/);
  });
});
