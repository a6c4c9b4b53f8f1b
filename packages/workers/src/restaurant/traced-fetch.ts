import { inSpan, SpanKind, traceparentOf } from '@delivery/events';

/**
 * `fetch` for the vendor's calls to the API: each call is a client span of the consumer's trace and sends its
 * W3C `traceparent`, so the API's spans for accept and deliver join the order's trace.
 * @example createDeliveryClient({ url, token, fetch: tracedFetch(globalThis.fetch) });
 */
export function tracedFetch(baseFetch: typeof fetch): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    return inSpan(
      `HTTP ${request.method}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': request.method, 'url.full': request.url } },
      async (span) => {
        const traceparent = traceparentOf(span);
        if (traceparent) request.headers.set('traceparent', traceparent);
        const response = await baseFetch(request);
        span.setAttribute('http.response.status_code', response.status);
        return response;
      },
    );
  };
}
