import { runWorkerMain } from '../shared/worker-main';
import { startRestaurantWorker } from './restaurant.worker';

// Entry point: `tsx packages/workers/src/restaurant/restaurant.main.ts` (or `pnpm delivery start vendor`).
await runWorkerMain('vendor', startRestaurantWorker);
