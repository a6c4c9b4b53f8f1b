import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import type { CapturedEmail } from '@delivery/workers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedProcess, type RunningEmbeddedProcess } from '../testing/embedded-harness';
import type { ManagedProcess } from '../testing/managed-process';
import { startSystem, type RunningSystem } from '../testing/system-harness';
import { followUntilFinal, placeSampleOrder } from '../testing/order-scenarios';

/** The same order, the same checks, whichever mode runs the system. */
async function expectTheWholeOrderFlow(customer: DeliveryClient, waitForEmails: (count: number) => Promise<readonly CapturedEmail[]>) {
  const { placed, quote } = await placeSampleOrder(customer);
  expect(placed.status).toBe('pending');
  expect(placed.total).toBe(quote.total);

  const statuses = await followUntilFinal(customer, placed.orderId);
  expect(statuses).toEqual(['pending', 'accepted', 'delivered']);

  const [email] = await waitForEmails(1);
  expect(email?.to).toEqual(['alice@example.com']);
  expect(email?.decoded).toContain(placed.orderId);
  expect(email?.decoded).toContain(placed.total);
  for (const line of quote.lines) expect(email?.decoded).toContain(line.name);

  const order = await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
  expect(order).toMatchObject({ status: 'delivered', version: 3, total: placed.total, email: 'alice@example.com' });
  const listed = await customer.order.list.query({});
  expect(listed.items.map((item) => item.orderId)).toContain(placed.orderId);
  const history = await customer.order.history.query({ orderId: placed.orderId });
  expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
}

describe('the order flow in embedded mode: one process on PGlite, no services', () => {
  let system: RunningEmbeddedProcess;

  beforeAll(async () => {
    system = await startEmbeddedProcess({ deliveryDelayMs: 300 });
  });
  afterAll(() => system?.stop());

  it('emails the confirmation, then the vendor accepts and delivers the order', async () => {
    const customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('alice', 'alice@example.com') });
    await expectTheWholeOrderFlow(customer, (count) => system.waitForEmails(count));
  });
});

describe('the order flow with the services, as separate processes', () => {
  let system: RunningSystem;
  let customer: DeliveryClient;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 300, processes: ['api', 'relay', 'projection', 'email', 'vendor'] });
    customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('alice', 'alice@example.com') });
  });
  afterAll(() => system?.stop());

  it('emails the confirmation, then the vendor accepts and delivers the order', async () => {
    await expectTheWholeOrderFlow(customer, (count) => system.smtp.waitForMessages(count));
  });

  it('shares the work between two vendor workers and two email workers, emailing each order once', async () => {
    const [extraVendor, extraEmail] = await Promise.all([system.start('vendor'), system.start('email')]);
    const before = system.smtp.messages.length;
    // A slow mail server keeps each worker's sends in flight (8 at most each), so one worker cannot drain
    // the queue alone however the broker hands the messages out: the sharing below is not a matter of timing.
    system.smtp.answerAfter(300);
    const orders = await Promise.all(Array.from({ length: 20 }, () => placeSampleOrder(customer)));
    await Promise.all(orders.map(({ placed }) => followUntilFinal(customer, placed.orderId)));
    const emails = await system.smtp.waitForMessages(before + orders.length);

    const newEmails = emails.slice(before);
    expect(newEmails).toHaveLength(orders.length);
    expect(new Set(newEmails.map((email) => email.messageId)).size).toBe(orders.length);
    const accepted = (worker: { logs: readonly { msg?: string }[] }) => worker.logs.filter((line) => line.msg === 'order accepted').length;
    const sent = (worker: { logs: readonly { msg?: string }[] }) => worker.logs.filter((line) => line.msg === 'confirmation emails sent').length;
    const [firstVendor] = system.processes.filter((process) => process.name === 'vendor');
    // A worker logs its work after the fact, through a pipe: wait for the line instead of reading the logs now.
    const firstLine = (worker: ManagedProcess, msg: string) => worker.waitForLog((line) => line.msg === msg);
    await Promise.all([firstLine(extraVendor, 'order accepted'), firstLine(firstVendor!, 'order accepted'), firstLine(extraEmail, 'confirmation emails sent')]);
    expect(accepted(extraVendor)).toBeGreaterThan(0);
    expect(sent(extraEmail)).toBeGreaterThan(0);
    expect(accepted(firstVendor!)).toBeGreaterThan(0);
  });
});
