import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../testing/system-harness';
import { placeSampleOrder } from '../testing/order-scenarios';

const rabbitmqctl = (...args: string[]) => promisify(execFile)('rabbitmqctl', ['-q', ...args]);
const ORDERS = 100;

// Stops the shared RabbitMQ: the test script runs this tier alone, after every other test.
describe('a RabbitMQ outage', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 200, processes: ['api', 'relay', 'projection', 'email', 'vendor'] });
  });
  afterAll(async () => {
    await rabbitmqctl('start_app');
    await system?.stop();
  });

  it('loses no order placed while the broker is down and emails each exactly once', async () => {
    const customer = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('dave') });
    await rabbitmqctl('stop_app');
    await expect.poll(() => fetch(`${system.apiUrl}/readyz`).then((response) => response.status), { timeout: 10_000 }).toBe(503);
    const orders = [];
    try {
      for (let i = 0; i < ORDERS; i++) orders.push(await placeSampleOrder(customer));
    } finally {
      await rabbitmqctl('start_app');
    }
    expect(orders).toHaveLength(ORDERS);
    expect(new Set(orders.map(({ placed }) => placed.orderId)).size).toBe(ORDERS);

    // minVersion waits (bounded) for the read model; loop until every order reads as delivered.
    for (const { placed } of orders) {
      let order = await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
      while (order.version < 3) order = await customer.order.get.query({ orderId: placed.orderId, minVersion: 3 });
      expect(order.status).toBe('delivered');
    }
    const emails = await system.smtp.waitForMessages(ORDERS);
    expect(emails).toHaveLength(ORDERS);
    expect(new Set(emails.map((email) => email.messageId)).size).toBe(ORDERS);
    for (const { placed } of orders.slice(0, 10)) {
      const history = await customer.order.history.query({ orderId: placed.orderId });
      expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
    }
  });
});
