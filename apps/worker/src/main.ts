import { runService } from '../../api/src/service';

// The worker entry point: the same service, started in the worker role.
process.env.ROLE = 'worker';
void runService();
