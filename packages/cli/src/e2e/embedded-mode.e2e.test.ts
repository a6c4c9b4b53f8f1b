import { createDeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedProcess, type RunningEmbeddedProcess } from '../testing/embedded-harness';
import { followUntilFinal, placeSampleOrder } from '../testing/order-scenarios';

describe('embedded mode keeps its promises across a crash', () => {
  let system: RunningEmbeddedProcess;

  beforeAll(async () => {
    // Long enough for the kill below to land while the vendor waits to deliver.
    system = await startEmbeddedProcess({ deliveryDelayMs: 3_000 });
  });
  afterAll(() => system?.stop());

  it('refuses a second server on the same data folder, naming the one that holds it', async () => {
    const second = system.startAnother();
    expect(await second.exited).not.toBe(0);
    expect(second.stderr.join('\n')).toContain(`in use by process ${system.process.pid}`);
  });

  it('delivers an order accepted before a SIGKILL once restarted, with one email and no event twice', async () => {
    const customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('alice', 'alice@example.com') });
    const { placed } = await placeSampleOrder(customer);
    await system.process.waitForLog((line) => line.msg === 'order accepted' && line.orderId === placed.orderId);
    // The email recorded, not only written: one sent but not yet in the email log when the process dies is
    // sent again after the restart (at least once, by design), which is not what this test is about.
    await system.process.waitForLog(
      (line) => line.msg === 'confirmation emails sent' && Array.isArray(line.orderIds) && line.orderIds.includes(placed.orderId),
    );
    await system.waitForEmails(1);

    // The vendor holds the order's OrderAccepted message unacked while it waits: the kill loses it in memory only.
    await system.process.kill('SIGKILL');
    await system.restart();

    expect(await followUntilFinal(customer, placed.orderId)).toEqual(['pending', 'accepted', 'delivered']);
    const history = await customer.order.history.query({ orderId: placed.orderId });
    expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
    const order = await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
    expect(order).toMatchObject({ status: 'delivered', version: 3 });
    const emails = await system.waitForEmails(1);
    expect(emails.filter((email) => email.decoded.includes(placed.orderId))).toHaveLength(1);
  });
});
