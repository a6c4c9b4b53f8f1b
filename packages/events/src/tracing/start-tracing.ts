import { context, propagation, trace } from '@opentelemetry/api';

const EXPORT_TIMEOUT_MS = 5_000;
const SHUTDOWN_TIMEOUT_MS = 3_000;

export interface TracingConfig {
  /** `service.name` of this process's spans: api, relay, email, vendor, projection, embedded. */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL (OTLP over HTTP, spans to `<endpoint>/v1/traces`). */
  otlpEndpoint?: string | undefined;
}

export interface Tracing {
  /**
   * Sends the spans still buffered, then stops exporting; never fails and takes at most SHUTDOWN_TIMEOUT_MS,
   * so an unreachable collector cannot turn a graceful stop into a failed or late one.
   */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on for this process when an OTLP endpoint is configured: registers the SDK (spans batched to
 * the collector, AsyncLocalStorage context, W3C trace context propagation). Without one nothing is loaded and
 * the api's no-op tracer stays in place. Entry points call it once, before anything else starts.
 * @example const tracing = await startTracing({ serviceName: 'relay', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
 */
export async function startTracing(config: TracingConfig): Promise<Tracing> {
  if (!config.otlpEndpoint) return { shutdown: async () => undefined };
  // Loaded on demand: a process that does not export carries none of the SDK.
  const [
    { BasicTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MS });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS)));
      await Promise.race([provider.shutdown().catch(() => undefined), bound]);
      clearTimeout(timer);
    },
  };
}
