import { createMysqlDb, createMysqlEventStore, orderStreamId, type EventStoreDatabase } from '@delivery/events';
import { sampleOrderPlaced } from '@delivery/events/testing';
import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeSampleOrder } from '../testing/order-scenarios';
import { runCli } from '../testing/run-cli';
import { startSystem, type RunningSystem } from '../testing/system-harness';

describe('the operators\u2019 CLI against a running system', () => {
  let system: RunningSystem;
  let admin: DeliveryClient;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 100, processes: ['api', 'relay', 'projection', 'email', 'vendor'] });
    const customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('olga') });
    const orders = await Promise.all(Array.from({ length: 12 }, () => placeSampleOrder(customer)));
    for (const { placed } of orders) await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
    admin = createDeliveryClient({ url: system.apiUrl, token: await system.adminToken() });
  });
  afterAll(() => system?.stop());

  it('prints a token that the API accepts', async () => {
    const { code, stdout } = await runCli(['token', '--role', 'customer', '--sub', 'zoe', '--email', 'zoe@example.com'], system.env);
    expect(code).toBe(0);
    const client = createDeliveryClient({ url: system.apiUrl, token: stdout.trim() });
    expect((await client.order.list.query({})).items).toEqual([]);
  });

  it('reports an empty outbox once the relay has published everything', async () => {
    const { code, stdout } = await runCli(['outbox'], system.env);
    expect(code).toBe(0);
    expect(stdout).toContain('pending: 0');
  });

  it('lists no parked messages when every handler succeeded', async () => {
    const { code, stdout } = await runCli(['parked', 'list'], system.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/orders\.confirmation\.parked: 0 parked/);
    expect(stdout).toMatch(/orders\.process\.parked: 0 parked/);
  });

  it('replays the read model into the same orders, while queries keep answering', async () => {
    const before = await admin.order.list.query({ limit: 100 });
    const replay = runCli(['replay', 'orders'], system.env);
    const duringReplay = await admin.order.list.query({ limit: 100 });
    const { code, stdout, stderr } = await replay;
    expect(code).toBe(0);
    expect(stdout).toMatch(/replayed 36 events/);
    expect(stderr).toContain('ev/s');
    expect(duringReplay.items).toHaveLength(before.items.length);
    expect(await admin.order.list.query({ limit: 100 })).toEqual(before);
  });

  it('refuses an unknown command with the usage and exit code 2', async () => {
    const { code, stderr } = await runCli(['launch'], system.env);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: pnpm delivery');
  });

  it('sets aside an event it cannot publish, names it in replay, and skips it only when asked', async () => {
    const db = createMysqlDb<EventStoreDatabase>(system.env.MYSQL_URL ?? '');
    const damaged = sampleOrderPlaced();
    try {
      await createMysqlEventStore({ db }).appendToStream(
        orderStreamId(damaged.data.orderId),
        [{ ...damaged, data: { ...damaged.data, total: '100000000.00' } }],
        {
          expectedVersion: 'no_stream',
        },
      );
    } finally {
      await db.destroy();
    }
    // The relay sets it aside at its next pass, and goes on publishing what comes after it.
    const after = await placeSampleOrder(createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('olga') }));
    await admin.order.get.query({ orderId: after.placed.orderId, minVersion: 3 });

    const outbox = await runCli(['outbox'], system.env);
    expect(outbox.stdout).toContain('pending: 0');
    expect(outbox.stdout).toContain('set aside: 1');
    expect(outbox.stdout).toMatch(new RegExp(`OrderPlaced ${orderStreamId(damaged.data.orderId)} v1 .*: .*total`));

    const stopped = await runCli(['replay', 'orders'], system.env);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(
      new RegExp(`the event at position \\d+ \\(${orderStreamId(damaged.data.orderId)} version 1, OrderPlaced\\) cannot be read: data\\.total`),
    );
    expect(stopped.stderr).toContain('--skip-unreadable');

    const skipped = await runCli(['replay', 'orders', '--skip-unreadable'], system.env);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(new RegExp(`skipped position \\d+: ${orderStreamId(damaged.data.orderId)} version 1 \\(OrderPlaced\\): data\\.total`));
    expect((await admin.order.get.query({ orderId: after.placed.orderId })).status).toBe('delivered');
  });
});
