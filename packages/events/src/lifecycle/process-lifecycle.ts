import type { Logger } from '../shared/logger';

/** The longest a graceful stop may take before the process exits anyway (its supervisor restarts it). */
export const STOP_TIMEOUT_MS = 30_000;

/** What the lifecycle needs of `process`; tests pass their own. */
export interface LifecycleProcess {
  on(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  on(event: 'unhandledRejection' | 'uncaughtException', listener: (reason: unknown) => void): unknown;
  exit(code: number): void;
}

export interface ProcessLifecycle {
  /** What stops the process gracefully: stop taking work, finish or hand back what it holds, close connections. */
  setStop(stop: (signal: NodeJS.Signals) => Promise<void>): void;
}

/**
 * How every process of the system stops, in one place: on SIGTERM or SIGINT it runs the registered stop
 * and exits 0, or 1 when the stop fails or takes longer than `stopTimeoutMs`; a signal that arrives before
 * a stop is registered (still starting, nothing in flight) exits at once; a second signal exits without
 * waiting; an unhandled rejection or an uncaught exception is logged and ends the process with 1.
 * Entry points call it once, first thing.
 * @example const lifecycle = handleProcessLifecycle({ logger }); lifecycle.setStop(() => worker.stop());
 */
export function handleProcessLifecycle(options: {
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  stopTimeoutMs?: number;
  process?: LifecycleProcess;
}): ProcessLifecycle {
  const { logger, stopTimeoutMs = STOP_TIMEOUT_MS } = options;
  const proc: LifecycleProcess = options.process ?? process;
  let stop: ((signal: NodeJS.Signals) => Promise<void>) | null = null;
  let stopping = false;

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting without waiting');
      proc.exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    if (!stop) {
      proc.exit(0);
      return;
    }
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: stopTimeoutMs }, 'stop timed out; exiting');
      proc.exit(1);
    }, stopTimeoutMs);
    timer.unref();
    stop(signal).then(
      () => {
        clearTimeout(timer);
        logger.info({}, 'stopped');
        proc.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'stop failed');
        proc.exit(1);
      },
    );
  };
  proc.on('SIGTERM', shutdown);
  proc.on('SIGINT', shutdown);
  proc.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection; exiting');
    proc.exit(1);
  });
  proc.on('uncaughtException', (error) => {
    logger.error({ err: error }, 'uncaught exception; exiting');
    proc.exit(1);
  });
  return {
    setStop(next) {
      stop = next;
    },
  };
}
