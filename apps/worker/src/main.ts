import { runService } from '@ledger/runtime';

// The worker alone: projectors and scheduled jobs, with health endpoints only.
void runService({ ROLE: 'worker' });
