import { createLogger, handleProcessLifecycle, startTracing } from '@delivery/events';
import { readableLogLine } from '../supervisor/readable-log';
import { dataDirOf } from '../mode/data-dir';
import { startEmbeddedSystem } from './embedded-system';

const COMPONENTS = ['api', 'relay', 'projection', 'email', 'vendor', 'bus', 'event-store'];

/**
 * `start all` in embedded mode: the whole system in this process, its data in `DATA_DIR`
 * (`.data/embedded` by default), one readable log labelled by component (`LOG_FORMAT=json` keeps pino's
 * JSON lines, for tests and log shippers); Ctrl-C stops it.
 */
export async function startEmbedded(env: Record<string, string | undefined>, write: (line: string) => void): Promise<number> {
  const dataDir = dataDirOf(env);
  const color = Boolean(process.stdout.isTTY);
  const level = env.LOG_LEVEL ?? 'info';
  const logger =
    env.LOG_FORMAT === 'json'
      ? createLogger({ name: 'embedded', level })
      : createLogger({
          name: 'embedded',
          level,
          destination: {
            write(line) {
              const component = /"component":"([a-z-]+)"/.exec(line)?.[1] ?? 'embedded';
              write(readableLogLine(component, line.trimEnd(), { color, index: Math.max(0, COMPONENTS.indexOf(component)) }));
            },
          },
        });
  // A signal while PGlite starts ends the process at once; once up, SIGTERM/SIGINT stop the system within the
  // bound every process keeps.
  const lifecycle = handleProcessLifecycle({ logger });
  const tracing = await startTracing({ serviceName: 'embedded', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const system = await startEmbeddedSystem({ dataDir, env, logger });
  lifecycle.setStop(async () => {
    await system.stop();
    await tracing.shutdown();
  });
  write(
    `delivery-system is up (embedded): API on ${system.url} (listening on ${system.listening}; try /trpc/menu.food.list), emails in ${system.mailFolder} and at ${system.url}/dev/mail, data in ${dataDir}; Ctrl-C stops it`,
  );
  // `start` keeps the process running; the lifecycle ends it.
  return 0;
}
