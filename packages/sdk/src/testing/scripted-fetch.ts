// Test helpers: a scripted stand-in for the network, and the answers the API gives.

interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** A stand-in for the network: answers each tRPC request with the next scripted reply and records it. */
export function scriptedFetch(replies: Array<{ status: number; body: unknown }>) {
  const requests: RecordedRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = request.method === 'POST' ? await request.text() : '';
    requests.push({ url: request.url, method: request.method, headers: request.headers, body: text ? JSON.parse(text) : undefined });
    const reply = replies.shift();
    if (!reply) throw new TypeError('fetch failed: no reply scripted');
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, requests };
}

export const placed = { orderId: '0d9b2c1e-2f4a-4a8e-9a7c-1b2c3d4e5f60', status: 'pending', total: '17.00', version: 1 };
export const ok = (data: unknown) => ({ status: 200, body: [{ result: { data } }] });
export const failure = (code: string, httpStatus: number, extra: Record<string, unknown> = {}) => ({
  status: httpStatus,
  body: [{ error: { message: `${code} happened`, code: -32000, data: { code, httpStatus, ...extra } } }],
});

/** A server that never answers: each request waits until its signal aborts, then fails as fetch does. */
export function silentFetch() {
  let requests = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    requests += 1;
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    return new Promise<Response>((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  return { fetch, requestCount: () => requests };
}
