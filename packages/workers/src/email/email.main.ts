import { runWorkerMain } from '../shared/worker-main';
import { startEmailWorker } from './email.worker';

// Entry point: `tsx packages/workers/src/email/email.main.ts` (or `pnpm delivery start email`).
await runWorkerMain('email', startEmailWorker);
