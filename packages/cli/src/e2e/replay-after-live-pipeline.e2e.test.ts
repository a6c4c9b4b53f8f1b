import { createDeliveryClient, type DeliveryClient, type RouterOutputs } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';
import { startSystem, type RunningSystem } from '../testing/system-harness';

type Order = RouterOutputs['order']['get'];
const ORDERS = 2_000;
const CONCURRENCY = 20;

async function allOrders(client: DeliveryClient): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | null = null;
  do {
    const page: RouterOutputs['order']['list'] = await client.order.list.query({ limit: 100, cursor });
    orders.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

function statusCounts(orders: Order[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const order of orders) counts[order.status] = (counts[order.status] ?? 0) + 1;
  return counts;
}

function expectedStatusCounts(): Record<string, number> {
  const counts = { accepted: 0, cancelled: 0, pending: 0 };
  for (let n = 0; n < ORDERS; n++) counts[n % 3 === 0 ? 'accepted' : n % 5 === 0 ? 'cancelled' : 'pending'] += 1;
  return counts;
}

describe('a replay after thousands of orders went through the live pipeline', () => {
  let system: RunningSystem;
  let admin: DeliveryClient;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 0, processes: ['api', 'relay', 'projection'] });
    const customers = await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, index) =>
        createDeliveryClient({ url: system.apiUrl, token: await system.customerToken(`replay-${index}`) }),
      ),
    );
    const vendor = createDeliveryClient({ url: system.apiUrl, token: await system.vendorToken() });
    // Each of 20 customers places its share in turn; every third order is accepted, every fifth cancelled.
    await Promise.all(
      customers.map(async (customer, index) => {
        for (let n = index; n < ORDERS; n += CONCURRENCY) {
          const { orderId } = await customer.order.place.mutate({ items: [{ kind: 'food', id: 1 + (n % 30), quantity: 1 + (n % 5) }] });
          if (n % 3 === 0) await vendor.order.accept.mutate({ orderId });
          else if (n % 5 === 0) await customer.order.cancel.mutate({ orderId });
        }
      }),
    );
    admin = createDeliveryClient({ url: system.apiUrl, token: await system.adminToken() });
  });
  afterAll(() => system?.stop());

  it('rebuilds a read model equal to the live one, row for row', async () => {
    // The live read model has caught up when its statuses add up to what was done.
    await expect.poll(async () => statusCounts(await allOrders(admin)), { timeout: 180_000, interval: 1_000 }).toEqual(expectedStatusCounts());
    expect((await runCli(['parked', 'list', 'orders.projection'], system.env)).stdout).toContain('orders.projection.parked: 0 parked');
    const live = await allOrders(admin);
    const { code, stdout } = await runCli(['replay', 'orders'], system.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/replayed \d+ events/);
    const rebuilt = await allOrders(admin);
    expect(rebuilt).toHaveLength(ORDERS);
    expect(rebuilt).toEqual(live);
  });
});
