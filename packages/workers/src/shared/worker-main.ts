import { createLogger, handleProcessLifecycle, startTracing, type Logger } from '@delivery/events';
import { ConfigError, loadWorkersConfig, type WorkersConfig } from './config';

/** A running worker: `stop()` finishes or hands back in-flight work and closes every connection. */
export interface RunningWorker {
  stop(): Promise<void>;
}

export type StartWorker = (context: { config: WorkersConfig; logger: Logger }) => Promise<RunningWorker>;

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
  // Signals, the stop's bound and unhandled rejections: the same for every process (handleProcessLifecycle).
  const lifecycle = handleProcessLifecycle({ logger });
  const tracing = await startTracing({ serviceName: name, otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });

  try {
    const worker = await start({ config, logger });
    lifecycle.setStop(async () => {
      await worker.stop();
      await tracing.shutdown();
    });
    logger.info({}, 'started');
  } catch (error) {
    logger.error({ err: error }, 'could not start');
    process.exit(1);
  }
}
