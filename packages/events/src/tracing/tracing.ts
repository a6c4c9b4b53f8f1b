import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

// Library code speaks only @opentelemetry/api: with no SDK registered (OTEL_EXPORTER_OTLP_ENDPOINT unset, see
// startTracing) every call below is a no-op on a non-recording span, so tracing off costs next to nothing.
const tracer = trace.getTracer('delivery-system');

export { SpanKind };

/**
 * Runs `work` inside a new active span (a child of `parent`, default the active context), ending it when the
 * work settles; a failure is recorded on the span and rethrown.
 * @example await inSpan('order append', { attributes: { 'order.id': id } }, () => store.append(...));
 */
export function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes; parent?: Context }, work: (span: Span) => Promise<T>): Promise<T> {
  const spanOptions = { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) };
  return tracer.startActiveSpan(name, spanOptions, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Starts a span the caller ends (a publish whose confirm comes later); not made active. */
export function startSpan(name: string, options: { kind: SpanKind; attributes?: Attributes; parent?: Context }): Span {
  return tracer.startSpan(name, { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}) }, options.parent ?? context.active());
}

/** The W3C `traceparent` of `span` (default: the active span), or undefined while tracing is off. */
export function traceparentOf(span?: Span): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(span ? trace.setSpan(context.active(), span) : context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` (from a message header, an outbox row) continues; the root when there is none. */
export function contextOfTraceparent(traceparent: unknown): Context {
  return typeof traceparent === 'string' && traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** A span that happened already: a database statement reported once it finished. */
export function recordFinishedSpan(name: string, options: { kind: SpanKind; attributes: Attributes; durationMs: number; failed?: unknown }): void {
  if (!trace.getActiveSpan()?.isRecording()) return;
  const end = Date.now();
  const span = tracer.startSpan(name, { kind: options.kind, attributes: options.attributes, startTime: end - options.durationMs });
  if (options.failed) {
    span.recordException(options.failed instanceof Error ? options.failed : String(options.failed));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(end);
}
