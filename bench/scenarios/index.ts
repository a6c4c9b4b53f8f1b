import type { Scenario } from '../lib/scenario';
import { appendScenario } from './append.scenario';
import { peerScenario } from './peer.scenario';
import { replayScenario } from './replay.scenario';

/**
 * Every scenario `pnpm bench` runs, in this order (`BENCH_SCENARIOS=append,replay` picks some).
 * Later ones may read earlier reports (peer compares with append). The API scenario (autocannon against
 * `order.place` vs a bare Hono route) and the pipeline-lag scenario go here as they are written.
 */
export const scenarios: readonly Scenario[] = [appendScenario, peerScenario, replayScenario];
