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

describe('loadConfig: provider status feeds', () => {
  it('polls nothing by default, every 300 s once feeds are named', () => {
    expect(loadConfig({}).providerStatus).toEqual({ feeds: [], pollSeconds: 300 });
  });

  it('reads provider=url pairs, blanks and empty entries aside', () => {
    const config = loadConfig({
      PROVIDER_STATUS_FEEDS: ' openai=https://status.openai.com/api/v2/incidents.json , anthropic=http://127.0.0.1:8080/incidents.json?page=1,',
      PROVIDER_STATUS_POLL_SECONDS: '5',
    });
    expect(config.providerStatus).toEqual({
      feeds: [
        { provider: 'openai', url: 'https://status.openai.com/api/v2/incidents.json' },
        { provider: 'anthropic', url: 'http://127.0.0.1:8080/incidents.json?page=1' },
      ],
      pollSeconds: 5,
    });
  });

  it('refuses a malformed entry, naming it', () => {
    const refusal = (feeds: string) => {
      try {
        loadConfig({ PROVIDER_STATUS_FEEDS: feeds });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`PROVIDER_STATUS_FEEDS=${feeds} was accepted`);
    };
    expect(refusal('openai')).toMatch(/PROVIDER_STATUS_FEEDS: "openai" must be provider=url/);
    expect(refusal('OpenAI=https://status.openai.com/api/v2/incidents.json')).toMatch(/PROVIDER_STATUS_FEEDS: "OpenAI=https:.*": the provider before the = must be a lowercase slug/);
    expect(refusal('=https://status.openai.com/api/v2/incidents.json')).toMatch(/the provider before the = must be a lowercase slug/);
    expect(refusal('openai=status.openai.com/api/v2/incidents.json')).toMatch(/openai: "status\.openai\.com\/api\/v2\/incidents\.json" is not a URL/);
    expect(refusal('openai=ftp://status.openai.com/incidents.json')).toMatch(/openai: the URL must be http or https, not ftp/);
    expect(refusal('openai=https://me:secret@status.openai.com/incidents.json')).toMatch(/openai: the URL must not carry a username or password/);
  });

  it('refuses a provider named twice, and lists every problem at once', () => {
    expect(() => loadConfig({ PROVIDER_STATUS_FEEDS: 'openai=https://a.example/x.json,openai=https://b.example/x.json' })).toThrow(/openai is named twice/);
    expect(() => loadConfig({ PROVIDER_STATUS_FEEDS: 'a=ftp://x,b', PROVIDER_STATUS_POLL_SECONDS: '1' }))
      .toThrow(/a: the URL must be http or https, not ftp\n.*"b" must be provider=url\n.*PROVIDER_STATUS_POLL_SECONDS/);
  });

  it('refuses a poll interval under 5 s or over an hour, or not whole seconds', () => {
    for (const seconds of ['4', '3601', '7.5']) expect(() => loadConfig({ PROVIDER_STATUS_POLL_SECONDS: seconds })).toThrow(/PROVIDER_STATUS_POLL_SECONDS/);
  });
});

describe('loadConfig: INGEST_CONCURRENCY', () => {
  it('appends three batches at once in a process that only serves the API, two in one that also folds, unless told', () => {
    expect(loadConfig({}).ingestConcurrency).toBe(2);
    expect(loadConfig({ ROLE: 'all', WORKER_PROCESS: 'child' }).ingestConcurrency).toBe(2);
    expect(loadConfig({ ROLE: 'api' }).ingestConcurrency).toBe(3);
    expect(loadConfig({ ROLE: 'api', INGEST_CONCURRENCY: '1' }).ingestConcurrency).toBe(1);
    expect(() => loadConfig({ INGEST_CONCURRENCY: '0' })).toThrow(/INGEST_CONCURRENCY/);
  });
});
