import { pino } from 'pino';

/** The slice of a pino logger that library code needs; entry points pass a real one from `createLogger`. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** Paths whose values never reach a log line. */
const redactedPaths = [
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  'token',
  'password',
  'config.AUTH_SECRET',
  'config.USER_EMAIL_PASS',
  'config.SMTP_URL',
  'config.METRICS_TOKEN',
  'config.VENDOR_TOKEN',
  'config.MYSQL_URL',
  'config.POSTGRES_URL',
  'config.AMQP_URL',
];

/** How long a line may wait in the buffer of standard output before it is written. */
const STDOUT_FLUSH_MS = 100;
/** Buffered bytes that are written at once, without waiting for the flush. */
const STDOUT_BATCH_BYTES = 4_096;

let standardOutput: pino.DestinationStream | undefined;

/**
 * Standard output, one per process whatever the number of loggers (their lines stay in order), written in
 * batches: an asynchronous write per line costs a system call and two wake-ups between the event loop and
 * libuv's thread pool, which under load (an API's line per request) was about a twentieth of its CPU. A line
 * waits at most STDOUT_FLUSH_MS; pino writes what is left when the process exits.
 */
function processStandardOutput() {
  standardOutput ??= pino.destination({ dest: 1, minLength: STDOUT_BATCH_BYTES, periodicFlush: STDOUT_FLUSH_MS });
  return standardOutput;
}

/**
 * The one logger of every process: JSON lines carrying `name` (api, relay, email, ...), secrets redacted,
 * to stdout (batched, see `processStandardOutput`) or to `destination` (one line per call).
 * @example const logger = createLogger({ name: 'relay', level: 'info' });
 */
export function createLogger(options: { name: string; level?: string; destination?: { write(line: string): void } }): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(settings, options.destination ?? processStandardOutput());
}
