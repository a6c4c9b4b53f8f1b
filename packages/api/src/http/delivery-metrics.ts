import type { AutoRedrive } from '@delivery/events';
import { Gauge, type Registry } from 'prom-client';

/** What `/metrics` tells of the message flow: parked messages, and those the consumers put back by themselves. */
export interface DeliveryMetricsSource {
  /** Messages parked now in each work queue's parking queue. */
  parkedCounts(): Promise<Record<string, number>>;
  /** Messages put back by consumers of this process after the dependency that parked them came back. */
  autoRedrives(): readonly AutoRedrive[];
}

/**
 * Parked messages per queue (read from the bus at each scrape) and the messages consumers put back by
 * themselves after an outage: a parked count that rises during an outage and falls back to 0 after it.
 * @example if (deps.delivery) registerDeliveryMetrics(metrics.registry, deps.delivery);
 */
export function registerDeliveryMetrics(registry: Registry, delivery: DeliveryMetricsSource): void {
  new Gauge({
    name: 'delivery_parked_messages',
    help: 'Messages parked now, by work queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // A bus that is away leaves the figure out rather than failing the scrape.
      const counts = await delivery.parkedCounts().catch(() => ({}));
      for (const [queue, count] of Object.entries(counts)) this.set({ queue }, count);
    },
  });
  new Gauge({
    name: 'delivery_auto_redriven_messages',
    help: 'Parked messages put back by their consumers once the dependency that parked them was back, by queue and dependency',
    labelNames: ['queue', 'dependency'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { queue, dependency, moved } of delivery.autoRedrives()) this.set({ queue, dependency }, moved);
    },
  });
}
