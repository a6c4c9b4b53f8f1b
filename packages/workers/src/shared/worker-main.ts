import { createLogger, type Logger } from '@delivery/events';
import { ConfigError, loadWorkersConfig, type WorkersConfig } from './config';

/** A running worker: `stop()` finishes or hands back in-flight work and closes every connection. */
export interface RunningWorker {
  stop(): Promise<void>;
}

export type StartWorker = (context: { config: WorkersConfig; logger: Logger }) => Promise<RunningWorker>;

/** How long a worker may take to drain on SIGTERM before the process exits anyway. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The body of every worker's entry point: parses the environment (a bad variable ends the process
 * with a readable message), starts the worker, and stops it gracefully on SIGTERM or SIGINT.
 * @example await runWorkerMain('email', startEmailWorker);
 */
export async function runWorkerMain(name: string, start: StartWorker, env: Record<string, string | undefined> = process.env): Promise<void> {
  let config: WorkersConfig;
  try {
    config = loadWorkersConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ name, level: config.LOG_LEVEL });
  let worker: RunningWorker | null = null;
  let stopping = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Still starting (say, waiting for the broker): nothing is in flight yet, so just leave.
    if (!worker) process.exit(0);
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'stop timed out; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    try {
      await worker.stop();
      logger.info({}, 'stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stop failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection; exiting');
    process.exit(1);
  });

  try {
    worker = await start({ config, logger });
    logger.info({}, 'started');
  } catch (error) {
    if (stopping) return;
    logger.error({ err: error }, 'could not start');
    process.exit(1);
  }
}
