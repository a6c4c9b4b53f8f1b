import { runWorkerMain } from '../shared/worker-main';
import { startRelayWorker } from './relay.worker';

// Entry point: `tsx packages/workers/src/relay/relay.main.ts` (or `pnpm delivery start relay`).
await runWorkerMain('relay', startRelayWorker);
