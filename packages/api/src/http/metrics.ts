import type { MiddlewareHandler } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReadModelReads } from '../db/read-model-reads';

export interface HttpMetrics {
  registry: Registry;
  middleware: MiddlewareHandler;
}

/**
 * Prometheus metrics of one app: requests by method, route pattern (never the raw path, which would let
 * clients create series at will) and status, their latency, and the process's own figures.
 * @example const metrics = createHttpMetrics(); app.use(metrics.middleware); app.get('/metrics', ...);
 */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    middleware: async function httpMetrics(c, next) {
      const startedAt = performance.now();
      await next();
      const labels = { method: c.req.method, route: c.req.routePath, status: String(c.res.status) };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - startedAt) / 1000);
    },
  };
}

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
