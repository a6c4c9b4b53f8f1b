import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { orderStreamId, readAllPages, readOrderStream, type EventStore, type OrderEvent } from '@delivery/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOrderEvent } from '../order-view/order-view.projector';
import { foldOrderView } from '../order-view/order-view.projection';
import { getOrder, listAllOrderViews, listOrders } from '../order-view/order-view.repository';
import { orderHistory, orderOutcomes, type OrderOutcome } from '../testing/order-histories';
import { migrateProjections } from '../migrations/migrate-projections';
import { appendOrderHistory, createProjectionsTestEnv, type ProjectionsTestEnv } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { indexColumns } from '../testing/table-indexes';
import { replayOrderView } from './order-view.replay';
import { readCheckpoint, tableExists } from './order-view-replay.repository';
import type { ReplayProgress } from './replay-progress';

// About 300 events in batches of 25: a dozen checkpoints to crash between, on every backend.
const ORDERS = 150;
const BATCH = 25;

/** `store` with another `readAll`, which its `streamAll` pages through as well. */
const withReadAll = (store: EventStore, readAll: EventStore['readAll']): EventStore => ({
  ...store,
  readAll,
  streamAll: (from, size) => readAllPages(readAll, from, size),
});

describe.each(sqlBackends)('order view replay on $name', (backend) => {
  let env: ProjectionsTestEnv;
  const orderIds: string[] = [];

  /** Writes orders through the store and projects every event live, as the pipeline would. */
  async function placeOrders(count: number, outcome?: OrderOutcome): Promise<OrderEvent[][]> {
    const histories = Array.from({ length: count }, (_, n) =>
      orderHistory({
        customerId: `customer-${n % 7}`,
        outcome: outcome ?? orderOutcomes[n % orderOutcomes.length],
        placedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, 0, orderIds.length + n)),
      }),
    );
    // A few at a time: the store and the projector are meant for concurrent use.
    for (let start = 0; start < histories.length; start += 10) {
      await Promise.all(
        histories.slice(start, start + 10).map(async (events) => {
          await appendOrderHistory(env.store, events);
          await projectLive(events, 1);
        }),
      );
    }
    orderIds.push(...histories.map((events) => events[0]!.data.orderId));
    return histories;
  }

  async function projectLive(events: readonly OrderEvent[], fromVersion: number): Promise<void> {
    for (let version = fromVersion; version <= events.length; version++) {
      const event = events[version - 1]!;
      await applyOrderEvent(env, { streamId: orderStreamId(event.data.orderId), streamVersion: version, event });
    }
  }

  /** Moves pending orders on (through the store and the live projector) and places new ones. */
  async function writeWhileReplaying(pending: OrderEvent[][]): Promise<void> {
    for (const events of pending) {
      const orderId = events[0]!.data.orderId;
      const [, accepted] = orderHistory({ orderId, outcome: 'accepted' });
      await env.store.appendToStream(orderStreamId(orderId), [accepted!], { expectedVersion: 1 });
      events.push(accepted!);
      await projectLive(events, 2);
    }
    await placeOrders(5);
  }

  /** What the read model must hold: every order's stream folded straight from the store. */
  async function expectedRows() {
    const rows = await Promise.all(orderIds.map(async (orderId) => foldOrderView(await readOrderStream(env.store, orderId))));
    return rows.sort((a, b) => a!.orderId.localeCompare(b!.orderId));
  }

  /** Counted the slow way, to check the backend's count against. */
  async function countByReading(position: bigint): Promise<number> {
    let count = 0;
    for (let from = position; ; ) {
      const page = await env.store.readAll(from, 1000);
      if (page.events.length === 0) return count;
      count += page.events.length;
      from = page.nextPosition;
    }
  }

  const crashAfter = (batches: number) => (progress: ReplayProgress) => {
    if (progress.phase === 'rebuild' && progress.processed >= batches * BATCH) throw new Error('killed');
  };

  beforeAll(async () => {
    env = await createProjectionsTestEnv(backend);
    await placeOrders(ORDERS);
  }, 60_000);
  afterAll(async () => {
    await env?.drop();
  });

  it('rebuilds a read model equal row for row to the live one, reporting progress', async () => {
    const live = await listAllOrderViews(env.db);
    expect(live).toHaveLength(ORDERS);
    const total = await countByReading(0n);
    expect(await env.countEventsAfter(0n)).toBe(total);
    const progress: ReplayProgress[] = [];

    const result = await replayOrderView({ ...env, batchSize: BATCH, onProgress: (p) => void progress.push(p) });

    expect(await listAllOrderViews(env.db)).toEqual(live);
    expect(result).toMatchObject({ resumedFrom: null, processed: total, reconciled: 0 });
    expect(progress).toHaveLength(Math.ceil(total / BATCH));
    expect(progress.at(-1)).toMatchObject({ phase: 'rebuild', processed: total, total, etaSeconds: 0 });
    expect(progress.every((p) => p.eventsPerSecond > 0)).toBe(true);
    expect(await tableExists(env.db, 'order_view_next')).toBe(false);
    expect(await tableExists(env.db, 'order_view_old')).toBe(false);
    expect(await readCheckpoint(env.db, 'order_view_replay')).toBeNull();
  });

  it('answers every query with the whole read model while the rebuilt table is switched in', async () => {
    const [probe] = await listAllOrderViews(env.db);
    const firstPage = await listOrders(env.db, { limit: 100 });
    const answered = { beforeSwitch: 0, afterSwitch: 0 };
    const wrong: unknown[] = [];
    let phase: 'rebuild' | 'switching' | 'switched' = 'rebuild';
    let done = false;

    /** Reads one order and the first page of all orders; anything but the whole read model is wrong. */
    const query = async () => {
      const seenIn = phase;
      try {
        const [order, page] = await Promise.all([getOrder(env.db, probe!.orderId), listOrders(env.db, { limit: 100 })]);
        if (order?.version !== probe!.version || JSON.stringify(page) !== JSON.stringify(firstPage)) wrong.push({ order, items: page.items.length });
      } catch (error) {
        wrong.push(error);
      }
      if (seenIn === 'switched') answered.afterSwitch++;
      else answered.beforeSwitch++;
    };
    const queryUntilDone = async () => {
      while (!done) {
        await query();
        // PGlite answers through promises alone: without a turn of the event loop, timers would starve.
        await yieldToEventLoop();
      }
    };
    // The rebuild's first empty page comes just before the switch, the catch-up's first read just after it.
    let querying: Promise<unknown> = Promise.resolve();
    const store = withReadAll(env.store, async (from, size) => {
      if (phase === 'switching') {
        phase = 'switched';
        await Promise.all([query(), query()]);
      }
      const page = await env.store.readAll(from, size);
      if (page.events.length === 0 && phase === 'rebuild') {
        phase = 'switching';
        // On a server these run beside the switch; on PGlite they queue before it.
        querying = Promise.all([queryUntilDone(), queryUntilDone(), queryUntilDone()]);
      }
      return page;
    });

    await replayOrderView({ ...env, store, batchSize: BATCH });
    done = true;
    await querying;

    expect(phase).toBe('switched');
    expect(wrong).toEqual([]);
    expect(answered.beforeSwitch).toBeGreaterThan(0);
    expect(answered.afterSwitch).toBeGreaterThan(0);
  });

  it('leaves the live table its index names, replay after replay', async () => {
    const indexes = await indexColumns(env.db, 'order_view');
    expect(indexes).toHaveProperty('PRIMARY');
    await replayOrderView({ ...env, batchSize: 1000 });
    await replayOrderView({ ...env, batchSize: 1000 });
    expect(await indexColumns(env.db, 'order_view')).toEqual(indexes);
  });

  it('resumes a replay killed halfway from its checkpoint, and still ends equal', async () => {
    const live = await listAllOrderViews(env.db);
    const total = await countByReading(0n);

    await expect(replayOrderView({ ...env, batchSize: BATCH, onProgress: crashAfter(3) })).rejects.toThrow('killed');
    // Queries never noticed: the live table is untouched while the rebuild waits.
    expect(await listAllOrderViews(env.db)).toEqual(live);
    const checkpoint = await readCheckpoint(env.db, 'order_view_replay');
    expect(checkpoint).not.toBeNull();

    const result = await replayOrderView({ ...env, batchSize: BATCH });
    expect(result.resumedFrom).toBe(checkpoint);
    expect(result.processed).toBe(total - 3 * BATCH);
    expect(await listAllOrderViews(env.db)).toEqual(live);
  });

  it('starts over when asked to restart after a crash', async () => {
    const live = await listAllOrderViews(env.db);
    const total = await countByReading(0n);
    await expect(replayOrderView({ ...env, batchSize: BATCH, onProgress: crashAfter(2) })).rejects.toThrow('killed');

    const result = await replayOrderView({ ...env, batchSize: BATCH, restart: true });
    expect(result).toMatchObject({ resumedFrom: null, processed: total });
    expect(await listAllOrderViews(env.db)).toEqual(live);
  });

  it('keeps what the live projector wrote while the rebuild ran', async () => {
    const pending = await placeOrders(4, 'pending');
    let wrote = false;
    await replayOrderView({
      ...env,
      batchSize: BATCH,
      onProgress: async () => {
        if (wrote) return;
        wrote = true;
        await writeWhileReplaying(pending);
        // Still served from the old table during the rebuild.
        expect(await getOrder(env.db, pending[0]![0]!.data.orderId)).toMatchObject({ status: 'accepted' });
      },
    });
    expect(wrote).toBe(true);
    expect(await listAllOrderViews(env.db)).toEqual(await expectedRows());
  });

  it('brings up to date an order the live projector saw but readAll did not show yet', async () => {
    const pending = await placeOrders(3, 'pending');
    const head = (await env.store.readAll(0n, 100_000)).nextPosition;
    // A store whose readAll lags behind at the head it had when the replay started.
    const lagging = withReadAll(env.store, async (from, size) => {
      const page = await env.store.readAll(from, size);
      const events = page.events.filter((entry) => entry.globalPosition <= head);
      return { events, nextPosition: events.at(-1)?.globalPosition ?? from };
    });
    let wrote = false;
    const result = await replayOrderView({
      ...env,
      store: lagging,
      batchSize: BATCH,
      onProgress: async () => {
        if (wrote) return;
        wrote = true;
        await writeWhileReplaying(pending);
      },
    });
    expect(result.reconciled).toBe(3 + 5);
    expect(await listAllOrderViews(env.db)).toEqual(await expectedRows());
  });

  it('finishes a switch that a crash interrupted, on the next run', async () => {
    const live = await listAllOrderViews(env.db);
    // Fails every readAll after the rebuild reached the head, i.e. in the catch-up after the switch.
    let reachedHead = false;
    const failingAfterSwitch = withReadAll(env.store, async (from, size) => {
      if (reachedHead) throw new Error('crashed after the switch');
      const page = await env.store.readAll(from, size);
      if (page.events.length === 0) reachedHead = true;
      return page;
    });
    await expect(replayOrderView({ ...env, store: failingAfterSwitch, batchSize: BATCH })).rejects.toThrow('crashed after the switch');
    expect(await tableExists(env.db, 'order_view_old')).toBe(true);
    expect(await listAllOrderViews(env.db)).toEqual(live);

    const checkpoint = await readCheckpoint(env.db, 'order_view_replay');
    const result = await replayOrderView({ ...env, batchSize: BATCH });
    expect(result).toMatchObject({ resumedFrom: checkpoint, processed: 0 });
    expect(await tableExists(env.db, 'order_view_old')).toBe(false);
    expect(await listAllOrderViews(env.db)).toEqual(live);
  });

  it('refuses a second replay while one runs', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = replayOrderView({
      ...env,
      batchSize: BATCH,
      onProgress: async () => {
        started();
        await gate;
      },
    });
    // If the first run ended (or failed) before its first batch, say so instead of waiting forever.
    await Promise.race([running, first.then(() => Promise.reject(new Error('the first replay ended before its first batch')))]);
    await expect(replayOrderView({ ...env, batchSize: BATCH })).rejects.toThrow(/already running/);
    release();
    await expect(first).resolves.toMatchObject({ resumedFrom: null });
  });

  // Only where a pool exists: PGlite has one session whatever the pool, and every test above runs on it that way.
  if (backend.name !== 'PGlite')
    it('runs on a pool of two connections, as the operator CLI opens', async () => {
      const { db, drop } = await backend.createDatabase<unknown>({ poolSize: 2 });
      try {
        await backend.migrateEventStore(db);
        await migrateProjections(db);
        const store = backend.createEventStore(db);
        const histories = Array.from({ length: 30 }, (_, n) => orderHistory({ outcome: orderOutcomes[n % orderOutcomes.length] }));
        for (const events of histories) await appendOrderHistory(store, events);

        const result = await replayOrderView({ db, store, batchSize: 7 });

        expect(result.processed).toBe(histories.flat().length);
        const rows = await listAllOrderViews(db);
        expect(rows).toEqual(
          histories
            .map((events) => foldOrderView(events.map((event, index) => ({ streamVersion: index + 1, event }))))
            .sort((a, b) => a!.orderId.localeCompare(b!.orderId)),
        );
      } finally {
        await drop();
      }
    });
});
