import { buildIfStale } from '../entry-points';
import { TESTS_RUN_BUILT_CODE } from './tested-code';

/** vitest's global set-up of the tiers that start the system as processes: their build is fresh before they start. */
export default function setup(): void {
  if (TESTS_RUN_BUILT_CODE) buildIfStale();
}
