import { quietState, SubjectState } from '@ledger/domain';
import { StateSnapshots } from './state-snapshots';

const burning = (lastHeldAt: number): SubjectState => ({ kind: 'BURN_RATE', episode: { startedAt: 0, severity: 'TICKET', lastHeldAt } });
const quiet = quietState('BURN_RATE');

describe('StateSnapshots', () => {
  it('stores a state that moves every minute once an hour, at the hour end, and the last one at the horizon', () => {
    const snapshots = new StateSnapshots();
    for (let minute = 30; minute <= 130; minute++) snapshots.changed('r', '', minute, burning(minute), quiet);
    expect(snapshots.finish(130).map((s) => [s.minute, (s.state as { episode: { lastHeldAt: number } }).episode.lastHeldAt])).toEqual([[59, 59], [119, 119], [130, 130]]);
  });

  it('stores nothing for a state back where it was stored, and the state at every hour end is the last stored at or before it', () => {
    const snapshots = new StateSnapshots();
    snapshots.starting('r', '', burning(10));
    snapshots.changed('r', '', 20, burning(20), quiet);
    snapshots.changed('r', '', 40, burning(10), quiet);
    // A change at 70, then nothing until the horizon at 250: stored at 119 (its hour's end), not again.
    snapshots.changed('r', '', 70, quiet, quiet);
    expect(snapshots.finish(250).map((s) => [s.minute, s.state])).toEqual([[119, quiet]]);
  });
});
