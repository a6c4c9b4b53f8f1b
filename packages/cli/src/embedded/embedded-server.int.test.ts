import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUntilFinal, placeSampleOrder } from '../testing/order-scenarios';
import { startEmbeddedServer, type EmbeddedServer } from './index';

// What a client app's test suite does with the export: the whole system in its own process, in memory.
describe('startEmbeddedServer', () => {
  let server: EmbeddedServer;

  beforeAll(async () => {
    server = await startEmbeddedServer();
  });
  afterAll(() => server?.stop());

  it('serves the demo menu and takes an order through to delivered, with its confirmation kept', async () => {
    const customer = createDeliveryClient({
      url: server.url,
      token: await server.token({ sub: 'alice', role: 'customer', email: 'alice@example.com' }),
    });
    const { placed } = await placeSampleOrder(customer);
    expect(await followUntilFinal(customer, placed.orderId)).toEqual(['pending', 'accepted', 'delivered']);
    await expect.poll(() => readdir(server.mailFolder).then((names) => names.filter((name) => name.endsWith('.eml')).length)).toBe(1);
    // The link in the email is this server (on the free port it got), not a fixed localhost:3000.
    const [name] = (await readdir(server.mailFolder)).filter((file) => file.endsWith('.eml'));
    const email = (await readFile(join(server.mailFolder, name!), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(email).toContain(`${server.url}/orders/${placed.orderId}`);
  });

  it('listens on loopback only', () => {
    expect(server.listening).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('refuses a token it did not sign', async () => {
    const stranger = createDeliveryClient({ url: server.url, token: 'not-a-token', retry: { attempts: 1 } });
    await expect(stranger.order.list.query({})).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });

  it('keeps its operator routes to admins, naming unknown queues', async () => {
    const customer = await server.token({ sub: 'alice', role: 'customer', email: 'alice@example.com' });
    const refused = await fetch(`${server.url}/ops/outbox`, { headers: { authorization: `Bearer ${customer}` } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
    const admin = { authorization: `Bearer ${await server.token({ sub: 'ops', role: 'admin' })}` };
    // The last order's final event may still be on its way out: the outbox empties once the relay caught up.
    await expect.poll(async () => (await (await fetch(`${server.url}/ops/outbox`, { headers: admin })).json()) as unknown).toMatchObject({ pending: 0 });
    const unknown = await fetch(`${server.url}/ops/parked/orders.nowhere`, { headers: admin });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'unknown queue "orders.nowhere"' } });
  });

  it('frees its port once stopped', async () => {
    const other = await startEmbeddedServer();
    await other.stop();
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
