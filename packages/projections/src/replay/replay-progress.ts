import type { Clock } from '@delivery/events';

export interface ReplayProgress {
  /** `rebuild` fills the fresh table; `catch-up` brings the switched-in table to the head of the store. */
  phase: 'rebuild' | 'catch-up';
  /** Events read from the store by this run (a resumed run counts from where it resumed). */
  processed: number;
  /** Events this run expects to read, when a count was available; may be passed while new events arrive. */
  total?: number;
  eventsPerSecond: number;
  /** Seconds left at the current rate, when `total` is known. */
  etaSeconds?: number;
  /** The global position reached and checkpointed. */
  position: bigint;
}

/** Turns batch counts into rate and time left. */
export function createProgressMeter(clock: Clock, total: number | undefined) {
  const started = clock.now().getTime();
  let processed = 0;
  return (phase: ReplayProgress['phase'], events: number, position: bigint): ReplayProgress => {
    processed += events;
    const seconds = (clock.now().getTime() - started) / 1000;
    const eventsPerSecond = seconds > 0 ? processed / seconds : 0;
    if (total === undefined) return { phase, processed, eventsPerSecond, position };
    const expected = Math.max(total, processed);
    const etaSeconds = eventsPerSecond > 0 ? (expected - processed) / eventsPerSecond : undefined;
    return { phase, processed, total: expected, eventsPerSecond, ...(etaSeconds === undefined ? {} : { etaSeconds }), position };
  };
}
