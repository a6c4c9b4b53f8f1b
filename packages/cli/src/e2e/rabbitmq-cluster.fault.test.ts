import { createAmqpConnection, listParked, orderQueueNames, silentLogger } from '@delivery/events';
import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedProcess } from '../testing/managed-process';
import { placeSampleOrder } from '../testing/order-scenarios';
import { startTestRabbitmqCluster, type ClusterNode, type TestRabbitmqCluster } from '../testing/rabbitmq-cluster';
import { startSystem, type RunningSystem } from '../testing/system-harness';

const ORDERS = 200;
/** Orders placed per step; the node outages run beside the placing of steps 2 to 5. */
const STEP = ORDERS / 5;

// Starts (and always stops) a RabbitMQ cluster of its own on free ports; the fault tier runs alone.
describe('a three-node RabbitMQ cluster', () => {
  let cluster: TestRabbitmqCluster | undefined;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    cluster = await startTestRabbitmqCluster();
    system = await startSystem({
      deliveryDelayMs: 200,
      processes: ['api', 'relay', 'projection', 'email', 'vendor'],
      services: { amqpUrl: cluster.url },
    });
  });
  afterAll(async () => {
    try {
      await system?.stop();
    } finally {
      await cluster?.stop();
    }
  });

  it('delivers every order placed while one node, then a second, is stopped and started again', async () => {
    const running = system!;
    const nodes = cluster!;
    const customer = createDeliveryClient({ url: running.apiUrl, token: await running.customerToken('erin') });
    const relay = running.processes.find((managed) => managed.name === 'relay')!;
    const placed: string[] = [];
    const place = async (count: number) => {
      for (let i = 0; i < count; i++) placed.push((await placeSampleOrder(customer)).placed.orderId);
    };

    // The outages hit the relay's node first (it publishes with confirms), then the node it moved to.
    await place(STEP);
    const first = nodeOf(relay, nodes.url);
    await Promise.all([place(STEP), nodes.stopNode(first, 'kill')]);
    await relay.waitForLog((line) => line.msg === 'AMQP connected' && line.node !== labelOf(first, nodes.url));
    await Promise.all([place(STEP), nodes.startNode(first)]);
    const second = nodeOf(relay, nodes.url);
    expect(second).not.toBe(first);
    await Promise.all([place(STEP), nodes.stopNode(second, 'gracefully')]);
    await Promise.all([place(STEP), nodes.startNode(second)]);

    expect(new Set(placed).size).toBe(ORDERS);
    for (const orderId of placed) await expectDelivered(customer, orderId);

    // One confirmation each, every event applied once: one email and one accept per order, three events in each stream.
    const emails = await running.smtp.waitForMessages(ORDERS);
    for (const orderId of placed) expect(emails.filter((email) => email.decoded.includes(orderId))).toHaveLength(1);
    expect(emails).toHaveLength(ORDERS);
    const vendor = running.processes.find((managed) => managed.name === 'vendor')!;
    expect(vendor.logs.filter((line) => line.msg === 'order accepted')).toHaveLength(ORDERS);
    for (const orderId of placed) {
      const history = await customer.order.history.query({ orderId });
      expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
    }

    expect(await parkedCounts(nodes.url)).toEqual(Object.fromEntries(orderQueueNames.map((queue) => [queue, 0])));
    // Each outage cost the relay its connection once: it failed over rather than waiting for its node.
    expect(relay.logs.filter((line) => line.msg === 'AMQP connection lost; reconnecting').length).toBeGreaterThanOrEqual(2);
  });
});

/** minVersion waits (bounded) for the read model; asks again until the order reads as delivered (version 3). */
async function expectDelivered(customer: DeliveryClient, orderId: string): Promise<void> {
  let order = await customer.order.get.query({ orderId, minVersion: 3 });
  while (order.version < 3) order = await customer.order.get.query({ orderId, minVersion: 3 });
  expect(order.status).toBe('delivered');
  expect(order.version).toBe(3);
}

function labelOf(node: ClusterNode, url: string): string {
  const { host } = new URL(url.split(',')[node - 1]!);
  return host;
}

/** The node a process is connected to now, from its newest 'AMQP connected' log line. */
function nodeOf(managed: ManagedProcess, url: string): ClusterNode {
  const connected = managed.logs.filter((line) => line.msg === 'AMQP connected').at(-1);
  const node = ([1, 2, 3] as const).find((candidate) => labelOf(candidate, url) === connected?.node);
  if (!node) throw new Error(`${managed.name} has not logged a connection to a node of ${url}`);
  return node;
}

async function parkedCounts(url: string): Promise<Record<string, number>> {
  const connection = createAmqpConnection({ url, logger: silentLogger, name: 'fault-test' });
  try {
    const counts: Record<string, number> = {};
    for (const queue of orderQueueNames) counts[queue] = (await listParked(connection, queue, 0)).total;
    return counts;
  } finally {
    await connection.close();
  }
}
