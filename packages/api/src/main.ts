// The API's entry point: `tsx packages/api/src/main.ts` or `pnpm delivery start api`.
import { runApiMain } from './api-process';

await runApiMain(process.env);
