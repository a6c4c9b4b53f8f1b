import { getOutboxStatus, type Clock, type Logger, type OutboxStatus } from '@delivery/events';
import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';

/**
 * The outbox as Prometheus sees it, read when scraped: rows waiting for the relay, the age of the oldest,
 * and rows the relay set aside as unpublishable (any above zero needs an operator: `pnpm delivery outbox`).
 * While the database is away the figures keep their last values; `/readyz` says why.
 * @example registerOutboxMetrics(metrics.registry, { db: deps.db.orders, clock: deps.clock, logger: deps.logger });
 */
export function registerOutboxMetrics<DB>(registry: Registry, options: { db: Kysely<DB>; clock: Clock; logger: Logger }): void {
  // The registry collects its metrics at once: the three share the one read a scrape starts.
  let reading: Promise<OutboxStatus | null> | null = null;
  const read = () => {
    reading ??= getOutboxStatus(options.db, options.clock.now())
      .catch((error: unknown) => {
        options.logger.debug({ err: error }, 'could not read the outbox for /metrics');
        return null;
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  const gauge = (name: string, help: string, valueOf: (status: OutboxStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const status = await read();
        if (status) this.set(valueOf(status));
      },
    });
  gauge('outbox_pending_rows', 'Outbox rows waiting for the relay', (status) => status.pending);
  gauge('outbox_oldest_pending_age_seconds', 'How long the oldest pending outbox row has waited', (status) => (status.oldestPendingAgeMs ?? 0) / 1000);
  gauge(
    'outbox_set_aside_rows',
    'Outbox rows the relay set aside as unpublishable, waiting for an operator (pnpm delivery outbox)',
    (status) => status.setAside,
  );
}
