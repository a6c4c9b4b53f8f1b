import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../testing/system-harness';
import { followUntilFinal, placeSampleOrder } from '../testing/order-scenarios';

describe('a worker killed with SIGKILL while it holds unacked messages', () => {
  let system: RunningSystem;
  let customer: DeliveryClient;

  beforeAll(async () => {
    // A delivery delay long enough that the vendor is surely holding the accepted orders when it dies.
    system = await startSystem({ deliveryDelayMs: 4_000, processes: ['api', 'relay', 'projection', 'email', 'vendor'] });
    customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('carol') });
  });
  afterAll(() => system?.stop());

  it('leaves the delivery to a restarted vendor, with no duplicate event', async () => {
    const orders = await Promise.all(Array.from({ length: 5 }, () => placeSampleOrder(customer)));
    const vendor = system.processes.find((process) => process.name === 'vendor')!;
    await Promise.all(orders.map(({ placed }) => customer.order.get.query({ orderId: placed.orderId, minVersion: 2 })));
    // Each acceptance's log line, awaited: one read at once could miss lines still in the pipe.
    await Promise.all(orders.map(({ placed }) => vendor.waitForLog((line) => line.msg === 'order accepted' && line.orderId === placed.orderId)));
    expect(vendor.logs.filter((line) => line.msg === 'order accepted')).toHaveLength(orders.length);

    await vendor.kill('SIGKILL');
    await system.start('vendor');

    const statuses = await Promise.all(orders.map(({ placed }) => followUntilFinal(customer, placed.orderId)));
    for (const seen of statuses) expect(seen).toEqual(['pending', 'accepted', 'delivered']);
    for (const { placed } of orders) {
      const history = await customer.order.history.query({ orderId: placed.orderId });
      expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
    }
  });

  it('leaves the confirmations to a restarted email worker, each sent once', async () => {
    const email = system.processes.find((process) => process.name === 'email' && process.logs.length > 0)!;
    const before = system.smtp.messages.length;
    // The SMTP server refuses for a while (4xx, "not now"), so the worker holds the messages unacked behind its breaker.
    system.smtp.failNext(1_000);
    const orders = await Promise.all(Array.from({ length: 3 }, () => placeSampleOrder(customer)));
    await email.waitForLog((line) => line.msg === 'a dependency is down; holding the message until it is back');

    await email.kill('SIGKILL');
    system.smtp.failNext(0);
    await system.start('email');

    const emails = (await system.smtp.waitForMessages(before + orders.length)).slice(before);
    const recipients = emails.map((sent) => sent.decoded);
    for (const { placed } of orders) expect(recipients.filter((text) => text.includes(placed.orderId))).toHaveLength(1);
  });
});
