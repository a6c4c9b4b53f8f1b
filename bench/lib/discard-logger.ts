import type { Logger } from '@delivery/events';
import { pino } from 'pino';

/**
 * A logger for the API and workers hosted in the bench process: real pino at `info`, as they run in
 * production (a JSON line per request, per email, ...), so its cost is in the figures, but written to
 * /dev/null so the lines do not bury the bench's own output.
 */
export function discardLogger(name: string): Logger {
  return pino(
    { name, level: 'info', timestamp: pino.stdTimeFunctions.isoTime },
    // Synchronous, like pino's default stdout destination.
    pino.destination({ dest: '/dev/null', sync: true }),
  );
}
