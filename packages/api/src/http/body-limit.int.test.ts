import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit';

// Over a real socket (@hono/node-server), where the announced length and the streamed body take different paths.
const MAX_BYTES = 1_024;
let server: Server;
let url: string;
const reached: string[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.use(bodyLimit({ maxBytes: MAX_BYTES, refuse: (c) => c.text('too large', 413) }));
  app.all('/echo', async (c) => {
    reached.push(c.req.method);
    return c.text(c.req.method === 'GET' ? 'got' : await c.req.text());
  });
  server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server)) as Server;
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** A body sent in chunks, with no Content-Length (fetch sends it with Transfer-Encoding: chunked). */
function streamed(text: string, chunks: number): RequestInit {
  const encoded = new TextEncoder().encode(text);
  const size = Math.ceil(encoded.length / chunks);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= encoded.length) return controller.close();
      controller.enqueue(encoded.subarray(sent, sent + size));
      sent += size;
    },
  });
  return { method: 'POST', body, duplex: 'half' } as RequestInit;
}

describe('body limit over HTTP', () => {
  it('passes a body within its announced length, read whole by the handler', async () => {
    const body = 'y'.repeat(MAX_BYTES);
    const response = await fetch(url, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body);
  });

  it('refuses a body whose announced length is over the limit, before the handler', async () => {
    const before = reached.length;
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(MAX_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('too large');
    expect(reached.length).toBe(before);
  });

  it('passes a streamed body within the limit, every byte of it', async () => {
    const body = 'z'.repeat(MAX_BYTES - 10);
    const response = await fetch(url, streamed(body, 4));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body);
  });

  it('refuses a streamed body once it grows over the limit', async () => {
    const before = reached.length;
    const response = await fetch(url, streamed('w'.repeat(4 * MAX_BYTES), 8));
    expect(response.status).toBe(413);
    expect(reached.length).toBe(before);
  });

  it('lets a GET through', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('got');
  });
});
