import type { Logger } from '../shared/logger';
import type { CircuitBreakerOptions } from './circuit-breaker';
import { DependencyGate } from './dependency-gate';

/** Messages a consumer put back by itself after the dependency that parked them came back. */
export interface AutoRedrive {
  queue: string;
  dependency: string;
  moved: number;
}

/**
 * Totals of the automatic redrives a process's consumers made, by queue and dependency, for metrics.
 * @example const tally = new AutoRedriveTally(); createInProcessBus({ storage, logger, onAutoRedrive: (r) => tally.record(r) });
 */
export class AutoRedriveTally {
  private readonly moved = new Map<string, AutoRedrive>();

  record(redrive: AutoRedrive): void {
    const key = `${redrive.queue}\u0000${redrive.dependency}`;
    const known = this.moved.get(key);
    this.moved.set(key, { ...redrive, moved: (known?.moved ?? 0) + redrive.moved });
  }

  totals(): AutoRedrive[] {
    return [...this.moved.values()];
  }
}

/**
 * The dependency gate of one consumer of `queue`, whose automatic redrives go through the transport's
 * `redrive` (only the messages it parked during the outage), are logged and reported to `onAutoRedrive`.
 * @example const gate = createConsumerGate({ queue, logger, redrive: (only) => redriveParked(connection, queue, { only }) });
 */
export function createConsumerGate(options: {
  queue: string;
  logger: Logger;
  redrive: (only: ReadonlySet<string>) => Promise<number | { moved: number }>;
  onAutoRedrive?: ((redrive: AutoRedrive) => void) | undefined;
  breaker?: Partial<CircuitBreakerOptions>;
}): DependencyGate {
  const { queue, logger } = options;
  return new DependencyGate({
    logger,
    ...options.breaker,
    redriveParked(dependency, messageIds) {
      void options
        .redrive(new Set(messageIds))
        .then((result) => {
          const moved = typeof result === 'number' ? result : result.moved;
          logger.info({ dependency, moved, messageIds }, 'put back messages parked while a dependency was down');
          options.onAutoRedrive?.({ queue, dependency, moved });
        })
        .catch((error: unknown) =>
          logger.error({ err: error, dependency, messageIds }, 'could not put back messages parked during an outage; redrive them by hand'),
        );
    },
  });
}

/** One listener of automatic redrives out of the bus's and the consumer's own, either of which may be missing. */
export function bothTold(
  first: ((redrive: AutoRedrive) => void) | undefined,
  second: ((redrive: AutoRedrive) => void) | undefined,
): ((redrive: AutoRedrive) => void) | undefined {
  if (!first || !second) return first ?? second;
  return (redrive) => {
    first(redrive);
    second(redrive);
  };
}
