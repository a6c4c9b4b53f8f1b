export { contextOfTraceparent, inSpan, SpanKind, startSpan, traceparentOf } from './tracing';
export { startTracing, type Tracing, type TracingConfig } from './start-tracing';
export { tracedQueries } from './traced-queries';
