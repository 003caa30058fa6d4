import { runService } from '@ledger/runtime';

// SLA Ledger: HTTP ingest and GraphQL, plus the worker unless ROLE says otherwise.
void runService();
