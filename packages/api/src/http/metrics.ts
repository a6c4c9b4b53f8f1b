import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
