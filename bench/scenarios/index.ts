import type { Scenario } from '../lib/scenario';
import { apiScenario } from './api.scenario';
import { appendScenario } from './append.scenario';
import { growthScenario } from './growth.scenario';
import { peerScenario } from './peer.scenario';
import { pipelineScenario } from './pipeline.scenario';
import { replayScenario } from './replay.scenario';
import { runtimeScenario } from './runtime.scenario';

/**
 * Every scenario `pnpm bench` runs, in this order (`BENCH_SCENARIOS=append,replay` picks some).
 */
export const scenarios: readonly Scenario[] = [appendScenario, peerScenario, replayScenario, apiScenario, pipelineScenario, growthScenario, runtimeScenario];
