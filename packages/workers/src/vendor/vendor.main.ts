import { runWorkerMain } from '../shared/worker-main';
import { startVendorWorker } from './vendor.worker';

// Entry point: `tsx packages/workers/src/vendor/vendor.main.ts` (or `pnpm delivery start vendor`).
await runWorkerMain('vendor', startVendorWorker);
