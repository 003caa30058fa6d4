import { loadConfig } from '@ledger/config';
import { startedLine } from './service';

describe('the line a person sees when the service is up', () => {
  it('says where it listens and what to open, for the role it runs', () => {
    expect(startedLine(loadConfig({ PORT: '3456' }), 'http://127.0.0.1:3456')).toBe(
      'SLA Ledger (API and worker) is listening on http://127.0.0.1:3456: status page http://127.0.0.1:3456/status, '
        + 'GraphiQL http://127.0.0.1:3456/graphql, health http://127.0.0.1:3456/readyz. Stop with Ctrl-C. JSON logs follow on standard output.',
    );
  });

  it('names only what the process serves: no GraphiQL in production, no pages when they are off or for a worker', () => {
    const api = startedLine(loadConfig({ ROLE: 'api', NODE_ENV: 'production', STATUS_PAGE: 'off' }), 'http://10.0.0.5:3000');
    expect(api).toBe('SLA Ledger (API only) is listening on http://10.0.0.5:3000: health http://10.0.0.5:3000/readyz. Stop with Ctrl-C. JSON logs follow on standard output.');
    expect(startedLine(loadConfig({ ROLE: 'worker' }), 'http://127.0.0.1:3001')).toMatch(/^SLA Ledger \(worker only\) is listening on http:\/\/127\.0\.0\.1:3001: health http:\/\/127\.0\.0\.1:3001\/readyz\./);
  });
});
