import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedProcess, type RunningEmbeddedProcess } from '../testing/embedded-harness';
import { placeSampleOrder } from '../testing/order-scenarios';
import { runCli } from '../testing/run-cli';

describe('the operators\u2019 CLI in embedded mode', () => {
  let system: RunningEmbeddedProcess;
  let admin: DeliveryClient;

  beforeAll(async () => {
    system = await startEmbeddedProcess({ deliveryDelayMs: 100 });
    const customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('olga') });
    const orders = await Promise.all(Array.from({ length: 6 }, () => placeSampleOrder(customer)));
    for (const { placed } of orders) await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
    admin = createDeliveryClient({ url: system.apiUrl, token: await system.adminToken() });
  });
  afterAll(() => system?.stop());

  it('reports the outbox and the parked messages of the running server', async () => {
    const outbox = await runCli(['outbox'], system.env);
    expect(outbox).toMatchObject({ code: 0 });
    expect(outbox.stdout).toContain('pending: 0');
    const parked = await runCli(['parked', 'list'], system.env);
    expect(parked.code).toBe(0);
    expect(parked.stdout).toMatch(/orders\.confirmation\.parked: 0 parked/);
  });

  it('replays the read model through the running server, while queries keep answering', async () => {
    const before = await admin.order.list.query({ limit: 100 });
    const replay = runCli(['replay', 'orders'], system.env);
    const duringReplay = await admin.order.list.query({ limit: 100 });
    const { code, stdout, stderr } = await replay;
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toMatch(/replayed 18 events/);
    expect(stderr).toContain('ev/s');
    expect(duringReplay.items).toHaveLength(before.items.length);
    expect(await admin.order.list.query({ limit: 100 })).toEqual(before);
  });

  it('replays from the data folder itself while the server is stopped', async () => {
    const before = await admin.order.list.query({ limit: 100 });
    await system.stop({ removeData: false });
    const { code, stdout } = await runCli(['replay', 'orders', '--restart'], system.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/replayed 18 events/);
    await system.restart();
    expect(await admin.order.list.query({ limit: 100 })).toEqual(before);
  });
});
