import { createAmqpConnection, createMysqlDb, listParked, orderQueueNames, silentLogger, type AmqpConnection } from '@delivery/events';
import { getOrder, type OrderViewDatabase } from '@delivery/projections';
import { createDeliveryClient, isDeliveryError, type DeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedMariadb, sharedPostgres, type SharedService } from '../testing/shared-services';
import { startSystem, type RunningSystem } from '../testing/system-harness';

// Stops the machine's shared MariaDB and PostgreSQL: the test script runs this tier alone, after every other
// test, and by hand it runs only under the exclusive lock:
//   flock -x -w 1200 /tmp/delivery-services.lock pnpm vitest run --project fault packages/cli/src/e2e/dependency-outages.fault.test.ts
// One running system lives through every outage in turn, so the tier pays for one start-up.

const CUSTOMERS = 4;
/** Placements answered 2xx before a service stops, and again after it is back (the system recovered by itself). */
const PLACED_AROUND_OUTAGE = 10;
const PAUSE_BETWEEN_PLACEMENTS_MS = 400;

interface Figures {
  outage: string;
  answered2xx: number;
  answered503: number;
  otherAnswers: Record<string, number>;
  /** Most messages parked at once during the outage and the recovery, and how many are left at the end. */
  parkedPeak: number;
  parkedAtEnd: number;
  delivered: number;
  confirmations: number;
  /**
   * Deliveries whose handler failed on the service and were then held unacked (instead of spending their
   * delivery limit), by worker; deliveries that arrived while a breaker was open waited unacked without a try.
   */
  held: Record<string, number>;
  /** Failures that went back to the queue as the message's own (spending a delivery), by worker: none is expected. */
  spentDeliveries: Record<string, readonly string[]>;
}

/** What a consumer logs when it holds a delivery because a dependency is down. */
const HOLDING = 'a dependency is down; holding the message until it is back';

/** What a consumer logs when a failure spends one of the message's deliveries. */
const SPENT = new Set(['handler failed; retrying later', 'handler failed at the delivery limit; the queue will park the message']);
const errorOf = (line: Record<string, unknown>) => {
  const err = (line.err ?? {}) as { code?: unknown; message?: unknown };
  return `${String(err.code ?? '')} ${String(err.message ?? '')}`.trim();
};

const figures: Figures[] = [];
let system: RunningSystem;
let customers: DeliveryClient[];
let amqp: AmqpConnection;
let items: { kind: 'food' | 'bar'; id: number; quantity: number }[];

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // Orders accepted just before a service stops are still waiting out their delivery when it goes: their
  // messages meet the outage in the vendor worker.
  system = await startSystem({ deliveryDelayMs: 2_000, processes: ['api', 'relay', 'projection', 'email', 'vendor'] });
  const tokens = await Promise.all(Array.from({ length: CUSTOMERS }, (_, index) => system.customerToken(`outage-customer-${index}`)));
  // Placements are not retried by the client, so every answer the API gave is counted as it was.
  customers = tokens.map((token) => createDeliveryClient({ url: system.apiUrl, token, retry: { attempts: 1 } }));
  const [food, bar] = await Promise.all([customers[0]!.menu.food.list.query({ available: true }), customers[0]!.menu.bar.list.query({ available: true })]);
  items = [
    { kind: 'food', id: food[0]!.id, quantity: 2 },
    { kind: 'bar', id: bar[0]!.id, quantity: 1 },
  ];
  amqp = createAmqpConnection({ url: system.env.AMQP_URL!, logger: silentLogger, name: 'outage-test' });
});

afterAll(async () => {
  // Whatever happened, the shared services are running again before anything else.
  await Promise.allSettled([sharedMariadb.start(), sharedPostgres.start(), system?.smtp.up()]);
  await amqp?.close();
  await system?.stop();
  console.info(`dependency outages (2xx = placements answered 2xx, 503 = answered 503 SERVICE_UNAVAILABLE):\n${JSON.stringify(figures, null, 2)}`);
});

/** Customers placing orders one after another until stopped; every answer counted by its status. */
function startPlacing() {
  const placed: { orderId: string }[] = [];
  const answers = new Map<string, number>();
  let stopping = false;
  const count = (status: string) => answers.set(status, (answers.get(status) ?? 0) + 1);
  const loops = customers.map(async (client) => {
    while (!stopping) {
      try {
        const { orderId } = await client.order.place.mutate({ items });
        placed.push({ orderId });
        count('2xx');
      } catch (error) {
        count(isDeliveryError(error) ? String(error.data?.httpStatus ?? 'network') : 'thrown');
      }
      await wait(PAUSE_BETWEEN_PLACEMENTS_MS);
    }
  });
  return {
    placed,
    answers,
    /** Resolves once `count` more placements than now were answered 2xx. */
    async placedMore(more: number) {
      const target = placed.length + more;
      await expect.poll(() => placed.length, { timeout: 90_000, interval: 100 }).toBeGreaterThanOrEqual(target);
    },
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

async function parkedTotal(): Promise<number> {
  let total = 0;
  for (const queue of orderQueueNames) total += (await listParked(amqp, queue, 0)).total;
  return total;
}

/** Samples the parked messages every second until stopped; resolves with the most seen at once. */
function watchParked() {
  let peak = 0;
  let stopping = false;
  const sampling = (async () => {
    while (!stopping) {
      peak = Math.max(peak, await parkedTotal().catch(() => 0));
      await wait(1_000);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await sampling;
      return peak;
    },
  };
}

/** Confirmation emails received per order id (each email links to its order). */
function confirmationsByOrder(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const email of system.smtp.messages) {
    const orderId = /\/orders\/([0-9a-f-]{36})/.exec(email.decoded)?.[1];
    if (orderId) counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
  }
  return counts;
}

/** Resolves once every order's read-model row says delivered (the read model itself: `order.get` may answer from the stream). */
async function waitUntilDelivered(orderIds: readonly string[]): Promise<void> {
  // A pool of this check's own: one opened before the outage would hold connections the outage killed.
  const readModel = createMysqlDb<OrderViewDatabase>(system.env.MYSQL_URL!, { poolSize: 4 });
  try {
    let waiting = [...orderIds];
    const deadline = Date.now() + 120_000;
    while (waiting.length > 0) {
      if (Date.now() > deadline)
        throw new Error(`${waiting.length} orders answered 2xx are not delivered in the read model: ${waiting.slice(0, 5).join(', ')}`);
      const views = await Promise.all(waiting.map((orderId) => getOrder(readModel, orderId)));
      for (const view of views) if (view) expect(['pending', 'accepted', 'delivered']).toContain(view.status);
      waiting = waiting.filter((_, index) => views[index]?.status !== 'delivered');
      if (waiting.length > 0) await wait(250);
    }
  } finally {
    await readModel.destroy();
  }
}

/** One outage: placements before, during and after it; then every order answered 2xx must go all the way. */
async function outage(name: string, seconds: number, service: { stop(): Promise<void>; start(): Promise<void> }): Promise<Figures> {
  const logsBefore = new Map(system.processes.map((managed) => [managed, managed.logs.length]));
  const placing = startPlacing();
  const parked = watchParked();
  try {
    await placing.placedMore(PLACED_AROUND_OUTAGE);
    await service.stop();
    try {
      // The outage itself: nothing to await but the time it lasts.
      await wait(seconds * 1_000);
    } finally {
      await service.start();
    }
    await placing.placedMore(PLACED_AROUND_OUTAGE);
  } finally {
    await placing.stop();
  }
  const orderIds = placing.placed.map(({ orderId }) => orderId);
  await waitUntilDelivered(orderIds);
  await expect.poll(() => orderIds.filter((orderId) => confirmationsByOrder().has(orderId)).length, { timeout: 60_000 }).toBe(orderIds.length);
  // Anything an outage parked is put back by the workers themselves once the service answers.
  await expect.poll(parkedTotal, { timeout: 60_000 }).toBe(0);
  const parkedPeak = await parked.stop();
  const confirmations = confirmationsByOrder();
  const { '2xx': answered2xx = 0, '503': answered503 = 0, ...otherAnswers } = Object.fromEntries(placing.answers);
  return {
    outage: `${name} down ${seconds} s`,
    answered2xx,
    answered503,
    otherAnswers,
    parkedPeak,
    parkedAtEnd: await parkedTotal(),
    delivered: orderIds.length,
    confirmations: orderIds.reduce((sum, orderId) => sum + (confirmations.get(orderId) ?? 0), 0),
    held: Object.fromEntries(
      system.processes
        .map((managed) => [managed.name, managed.logs.slice(logsBefore.get(managed) ?? 0).filter((line) => line.msg === HOLDING).length] as const)
        .filter(([, count]) => count > 0),
    ),
    spentDeliveries: Object.fromEntries(
      system.processes
        .map(
          (managed) =>
            [
              managed.name,
              [
                ...new Set(
                  managed.logs
                    .slice(logsBefore.get(managed) ?? 0)
                    .filter((line) => SPENT.has(String(line.msg)))
                    .map(errorOf),
                ),
              ],
            ] as const,
        )
        .filter(([, errors]) => errors.length > 0),
    ),
  };
}

const smtpServer = (): SharedService => ({ name: 'SMTP', stop: () => system.smtp.down(), start: () => system.smtp.up() });

describe('an outage of a dependency', () => {
  it.each([
    { name: 'MariaDB', seconds: 10, service: () => sharedMariadb },
    { name: 'PostgreSQL', seconds: 10, service: () => sharedPostgres },
    { name: 'MariaDB', seconds: 60, service: () => sharedMariadb },
    { name: 'PostgreSQL', seconds: 60, service: () => sharedPostgres },
    { name: 'SMTP', seconds: 60, service: smtpServer },
  ])(
    '$name down for $seconds s: every order answered 2xx is delivered with one confirmation, nothing stays parked, no 500',
    async ({ name, seconds, service }) => {
      const result = await outage(name, seconds, service());
      figures.push(result);
      expect(result.otherAnswers).toEqual({});
      expect(result.spentDeliveries).toEqual({});
      expect(result.answered2xx).toBeGreaterThanOrEqual(2 * PLACED_AROUND_OUTAGE);
      if (name !== 'SMTP') expect(result.answered503).toBeGreaterThan(0);
      expect(result.delivered).toBe(result.answered2xx);
      expect(result.confirmations).toBe(result.answered2xx);
      expect(result.parkedAtEnd).toBe(0);
    },
  );
});
