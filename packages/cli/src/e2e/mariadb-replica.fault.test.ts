import { createMysqlDb } from '@delivery/events';
import { listAllOrderViews } from '@delivery/projections';
import { createDeliveryClient, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMariadbPair, type TestMariadbPair } from '../testing/mariadb-pair';
import { placeSampleOrder } from '../testing/order-scenarios';
import { startSystem, type RunningSystem } from '../testing/system-harness';

/** Orders placed (and read back) per phase. */
const ROUND = 15;

interface ReadyBody {
  replica?: { state: string; lagSeconds: number | null };
}

// Starts (and always stops) a MariaDB primary and replica of its own on free ports; the fault tier runs alone.
describe('a MariaDB primary with a read replica', () => {
  let pair: TestMariadbPair | undefined;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    pair = await startTestMariadbPair();
    system = await startSystem({
      deliveryDelayMs: 100,
      processes: ['api', 'relay', 'projection', 'vendor'],
      services: { mysqlUrl: pair.primaryUrl, mysqlReadUrl: pair.replicaUrl },
    });
  });
  afterAll(async () => {
    try {
      await system?.stop();
    } finally {
      await pair?.stop();
    }
  });

  it('answers every read while the replica stops and starts again, never older than minVersion, and the replica catches up', async () => {
    const { apiUrl } = system!;
    const replicaPair = pair!;
    const customer = createDeliveryClient({ url: apiUrl, token: await system!.customerToken('fay') });
    const replicaState = () => fetch(`${apiUrl}/readyz`).then(async (response) => ((await response.json()) as ReadyBody).replica?.state);
    const seen = new Map<string, number>();
    /** Places `count` orders, reading each back with the version it was placed at and every earlier one with the newest version seen. */
    const round = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const { placed } = await placeSampleOrder(customer);
        seen.set(placed.orderId, placed.version);
        for (const [orderId, version] of [...seen].slice(-5)) seen.set(orderId, await readAtLeast(customer, orderId, version));
        await customer.order.list.query({ limit: 20 });
      }
    };

    await expect.poll(replicaState, { timeout: 15_000 }).toBe('ok');
    const beforeOutage = await readsServed(apiUrl);
    await round(ROUND);
    expect((await readsServed(apiUrl)).replica).toBeGreaterThan(beforeOutage.replica);

    // Stopped while reads and placements go on: the API notices within its check interval plus one read timeout.
    await Promise.all([round(ROUND), replicaPair.stopReplica()]);
    await expect.poll(replicaState, { timeout: 3_000 }).toBe('down');
    const duringOutage = await readsServed(apiUrl);
    await round(ROUND);
    const afterOutage = await readsServed(apiUrl);
    expect(afterOutage.replica).toBe(duringOutage.replica);
    expect(afterOutage.primary).toBeGreaterThan(duringOutage.primary);
    expect(await metricValue(apiUrl, 'mysql_replica_serving_reads')).toBe(0);

    // Started again, it catches up and takes reads once more.
    await Promise.all([round(ROUND), replicaPair.startReplica()]);
    await expect.poll(replicaState, { timeout: 15_000 }).toBe('ok');
    const caughtUp = await readsServed(apiUrl);
    await round(ROUND);
    expect((await readsServed(apiUrl)).replica).toBeGreaterThan(caughtUp.replica);
    expect(await metricValue(apiUrl, 'mysql_replica_lag_seconds')).toBeGreaterThanOrEqual(0);

    // Every order reaches delivered on the primary, and the replica ends up with the same read model.
    expect(seen.size).toBe(5 * ROUND);
    for (const orderId of seen.keys()) expect(await waitForVersion(customer, orderId, 3)).toBe(3);
    const primary = createMysqlDb(replicaPair.primaryUrl);
    const replica = createMysqlDb(replicaPair.replicaUrl);
    try {
      const onPrimary = await listAllOrderViews(primary);
      expect(onPrimary.map((row) => row.orderId).sort()).toEqual([...seen.keys()].sort());
      await expect.poll(() => listAllOrderViews(replica), { timeout: 15_000 }).toEqual(onPrimary);
    } finally {
      await Promise.all([primary.destroy(), replica.destroy()]);
    }
  });
});

/** minVersion's promise: a version the client has seen is never answered with an older one, wherever the read went. */
async function readAtLeast(customer: DeliveryClient, orderId: string, seenVersion: number): Promise<number> {
  const order = await customer.order.get.query({ orderId, minVersion: seenVersion });
  expect(order.version).toBeGreaterThanOrEqual(seenVersion);
  return order.version;
}

/** Asks until the order has reached `version` (the vendor worker takes it there in its own time). */
async function waitForVersion(customer: DeliveryClient, orderId: string, version: number): Promise<number> {
  let order = await customer.order.get.query({ orderId, minVersion: version });
  while (order.version < version) order = await customer.order.get.query({ orderId, minVersion: version });
  return order.version;
}

async function metricValue(apiUrl: string, name: string, labels = ''): Promise<number | null> {
  const text = await fetch(`${apiUrl}/metrics`).then((response) => response.text());
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
}

async function readsServed(apiUrl: string): Promise<{ replica: number; primary: number }> {
  const [replica, primary] = await Promise.all([
    metricValue(apiUrl, 'read_model_reads_total', '{server="replica"}'),
    metricValue(apiUrl, 'read_model_reads_total', '{server="primary"}'),
  ]);
  return { replica: replica ?? 0, primary: primary ?? 0 };
}
