import type { Logger } from '@delivery/events';

/**
 * Counts an event store's "lost a race" debug lines by driver error (errno on MariaDB, SQLSTATE code on
 * PostgreSQL): each one is a rolled-back, retried attempt.
 * @example const races = countingLogger(); createMysqlEventStore({ db, logger: races.logger }); races.describe();
 */
export function countingLogger(): { logger: Logger; describe(): string | undefined } {
  const byCode = new Map<string, number>();
  const ignore = () => undefined;
  const logger: Logger = {
    info: ignore,
    warn: ignore,
    error: ignore,
    debug(obj: object) {
      const code =
        'errno' in obj && obj.errno !== undefined
          ? `errno ${String(obj.errno)}`
          : 'code' in obj && obj.code !== undefined
            ? `code ${String(obj.code)}`
            : 'stream moved just after the check';
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
    },
    child: () => logger,
  };
  return {
    logger,
    describe() {
      if (byCode.size === 0) return undefined;
      const total = [...byCode.values()].reduce((sum, count) => sum + count, 0);
      return `${total} retried races (${[...byCode].map(([code, count]) => `${code} ×${count}`).join(', ')})`;
    },
  };
}
