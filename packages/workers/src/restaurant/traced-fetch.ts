import { inSpan, SpanKind, traceparentOf } from '@delivery/events';

/**
 * `fetch` for the vendor's calls to the API: each call is a client span of the consumer's trace and sends its
 * W3C `traceparent`, so the API's spans for accept and deliver join the order's trace.
 * @example createDeliveryClient({ url, token, fetch: tracedFetch(globalThis.fetch) });
 */
export function tracedFetch(baseFetch: typeof fetch): typeof fetch {
  return (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return inSpan(`HTTP ${method}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'url.full': url } }, async (span) => {
      const response = await baseFetch(...withTraceparent(input, init, traceparentOf(span)));
      span.setAttribute('http.response.status_code', response.status);
      return response;
    });
  };
}

/** The call with the trace's header added; as it came when there is no trace to hand on (tracing off). */
function withTraceparent(input: RequestInfo | URL, init: RequestInit | undefined, traceparent: string | undefined): Parameters<typeof fetch> {
  if (!traceparent) return [input, init];
  // A Request of our own: the caller's headers may be a plain object, a Headers or the input Request's.
  const request = new Request(input, init);
  request.headers.set('traceparent', traceparent);
  return [request];
}
