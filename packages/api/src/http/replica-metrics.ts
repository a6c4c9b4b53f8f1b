import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReadModelReads } from '../db/read-model-reads';

/**
 * The read-model replica's figures, read at each scrape: its lag in seconds (absent while unknown), whether
 * it takes reads (1) or they go to the primary (0), and the reads each server answered.
 * @example registerReplicaMetrics(metrics.registry, deps.readModel);
 */
export function registerReplicaMetrics(registry: Registry, reads: Pick<ReadModelReads<unknown>, 'replicaHealth' | 'readsServed'>): void {
  const health = () => reads.replicaHealth();
  new Gauge({
    name: 'mysql_replica_lag_seconds',
    help: 'How far the read-model replica applies behind the primary',
    registers: [registry],
    collect() {
      const lag = health()?.lagSeconds;
      if (lag === null || lag === undefined) this.reset();
      else this.set(lag);
    },
  });
  new Gauge({
    name: 'mysql_replica_serving_reads',
    help: 'Whether read-model reads go to the replica (1) or, while it is down or lagging, to the primary (0)',
    registers: [registry],
    collect() {
      this.set(health()?.state === 'ok' ? 1 : 0);
    },
  });
  new Counter({
    name: 'read_model_reads_total',
    help: 'Read-model reads (order.get, order.list) by the server that answered them',
    labelNames: ['server'] as const,
    registers: [registry],
    collect() {
      // The counts live in the read router; a scrape copies them.
      this.reset();
      for (const [server, count] of Object.entries(reads.readsServed())) this.inc({ server }, count);
    },
  });
}
