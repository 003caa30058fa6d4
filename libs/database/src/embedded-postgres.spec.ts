import { machineSettings } from './embedded-postgres';

const GB = 2 ** 30;

describe('machineSettings', () => {
  it('gives Postgres an eighth of the memory for buffers and counts half as cache, within bounds', () => {
    expect(machineSettings(24 * GB)).toMatchObject({ shared_buffers: '2048MB', effective_cache_size: '12288MB' });
    expect(machineSettings(8 * GB)).toMatchObject({ shared_buffers: '1024MB', effective_cache_size: '4096MB' });
    expect(machineSettings(0.5 * GB)).toMatchObject({ shared_buffers: '128MB', effective_cache_size: '512MB' });
    expect(machineSettings(256 * GB)).toMatchObject({ shared_buffers: '2048MB', effective_cache_size: '16384MB' });
  });

  it('spaces checkpoints by time rather than by WAL volume', () => {
    expect(machineSettings(24 * GB)).toMatchObject({ max_wal_size: '8GB', checkpoint_timeout: '15min' });
  });
});
