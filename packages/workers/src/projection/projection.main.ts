import { runWorkerMain } from '../shared/worker-main';
import { startProjectionWorker } from './projection.worker';

// Entry point: `tsx packages/workers/src/projection/projection.main.ts` (or `pnpm delivery start projection`).
await runWorkerMain('projection', startProjectionWorker);
