// What the bench shares with the tests: the same wait for a started API.
export { type AwaitedProcess, type ReadinessWait, waitUntilReady } from './wait-until-ready';
