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

/**
 * The one logger of every process: JSON lines carrying `name` (api, relay, email, ...), secrets redacted,
 * to stdout or to `destination` (one line per call).
 * @example const logger = createLogger({ name: 'relay', level: 'info' });
 */
export function createLogger(options: { name: string; level?: string; destination?: { write(line: string): void } }): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
