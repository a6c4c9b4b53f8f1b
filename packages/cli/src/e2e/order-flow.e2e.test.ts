import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../testing/system-harness';
import { followUntilFinal, placeSampleOrder } from '../testing/order-scenarios';

describe('the order flow, end to end, as separate processes', () => {
  let system: RunningSystem;
  let customer: DeliveryClient;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 300, processes: ['api', 'relay', 'projection', 'email', 'vendor'] });
    customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('alice', 'alice@example.com') });
  });
  afterAll(() => system?.stop());

  it('emails the confirmation, then the vendor accepts and delivers the order', async () => {
    const { placed, quote } = await placeSampleOrder(customer);
    expect(placed.status).toBe('pending');
    expect(placed.total).toBe(quote.total);

    const statuses = await followUntilFinal(customer, placed.orderId);
    expect(statuses).toEqual(['pending', 'accepted', 'delivered']);

    const [email] = await system.smtp.waitForMessages(1);
    expect(email?.to).toEqual(['alice@example.com']);
    expect(email?.decoded).toContain(placed.orderId);
    expect(email?.decoded).toContain(placed.total);
    for (const line of quote.lines) expect(email?.decoded).toContain(line.name);

    const order = await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
    expect(order).toMatchObject({ status: 'delivered', version: 3, total: placed.total, email: 'alice@example.com' });
    const history = await customer.order.history.query({ orderId: placed.orderId });
    expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
  });

  it('shares the work between two vendor workers and two email workers, emailing each order once', async () => {
    const [extraVendor, extraEmail] = await Promise.all([system.start('vendor'), system.start('email')]);
    const before = system.smtp.messages.length;
    const orders = await Promise.all(Array.from({ length: 20 }, () => placeSampleOrder(customer)));
    await Promise.all(orders.map(({ placed }) => followUntilFinal(customer, placed.orderId)));
    const emails = await system.smtp.waitForMessages(before + orders.length);

    const newEmails = emails.slice(before);
    expect(newEmails).toHaveLength(orders.length);
    expect(new Set(newEmails.map((email) => email.messageId)).size).toBe(orders.length);
    const accepted = (worker: { logs: readonly { msg?: string }[] }) => worker.logs.filter((line) => line.msg === 'order accepted').length;
    const sent = (worker: { logs: readonly { msg?: string }[] }) => worker.logs.filter((line) => line.msg === 'confirmation email sent').length;
    expect(accepted(extraVendor)).toBeGreaterThan(0);
    expect(sent(extraEmail)).toBeGreaterThan(0);
    const [firstVendor] = system.processes.filter((process) => process.name === 'vendor');
    expect(accepted(firstVendor!)).toBeGreaterThan(0);
  });
});
