import { orderStreamId, readAllPages, readOrderStream, type EventStore, type EventStoreDatabase, type OrderEvent, type RecordedEvent } from '@delivery/events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { foldOrderView } from '../order-view/order-view.projection';
import { listAllOrderViews } from '../order-view/order-view.repository';
import type { ProjectionsDatabase } from '../order-view/order-view.table';
import { orderHistory, orderOutcomes } from '../testing/order-histories';
import { createProjectionsTestEnv, type ProjectionsTestEnv } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { createEmptyNextTable, readCheckpoint, saveCheckpoint } from './order-view-replay.repository';
import { copyEventsToOrderView, type CopyEventsOptions } from './replay-pipeline';

const ORDERS = 40;
// Neither divides the other, so batches start and end in the middle of pages.
const PAGE = 7;
const BATCH = 10;

type Db = ProjectionsDatabase & EventStoreDatabase;

describe.each(sqlBackends)('copying events to the order view on $name', (backend) => {
  let env: ProjectionsTestEnv;
  let all: RecordedEvent[];
  const orderIds: string[] = [];

  /** Every order's first event, then every second event, and so on: an order's events lie pages apart. */
  async function appendInterleaved(count: number): Promise<void> {
    const histories: OrderEvent[][] = Array.from({ length: count }, (_, n) => orderHistory({ outcome: orderOutcomes[n % orderOutcomes.length] }));
    for (let step = 0; step < 3; step++) {
      for (const events of histories) {
        const event = events[step];
        if (event) await env.store.appendToStream(orderStreamId(event.data.orderId), [event], { expectedVersion: step });
      }
    }
    orderIds.push(...histories.map((events) => events[0]!.data.orderId));
  }

  async function readEverything(): Promise<RecordedEvent[]> {
    return (await env.store.readAll(0n, 10_000)).events;
  }

  /** The rows the events up to `position` make: each order's stream folded as far as it got. */
  async function rowsUpTo(position: bigint) {
    const rows = await Promise.all(
      orderIds.map(async (orderId) => {
        const recorded = (await readOrderStream(env.store, orderId)).filter((entry) => entry.globalPosition <= position);
        return foldOrderView(recorded);
      }),
    );
    return rows.filter((row) => row !== null).sort((a, b) => a.orderId.localeCompare(b.orderId));
  }

  function copyOptions(overrides: Partial<CopyEventsOptions<Db>> = {}) {
    const checkpoints: bigint[] = [];
    const committed: number[] = [];
    const options: CopyEventsOptions<Db> = {
      db: env.db,
      store: env.store,
      table: 'order_view_next',
      from: 0n,
      batchSize: BATCH,
      pageSize: PAGE,
      saveCheckpoint: async (_trx, position) => void checkpoints.push(position),
      onCommitted: (events) => void committed.push(events),
      ...overrides,
    };
    return { options, checkpoints, committed };
  }

  beforeAll(async () => {
    env = await createProjectionsTestEnv(backend);
    await appendInterleaved(ORDERS);
    all = await readEverything();
  }, 60_000);
  afterAll(async () => {
    await env?.drop();
  });
  beforeEach(async () => {
    await createEmptyNextTable(env.db);
  });

  it('ends with every order folded from its stream, one checkpoint per batch cut across pages', async () => {
    const { options, checkpoints, committed } = copyOptions();

    const position = await copyEventsToOrderView(options);

    expect(position).toBe(all.at(-1)!.globalPosition);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(await rowsUpTo(position));
    const batches = Math.ceil(all.length / BATCH);
    expect(committed).toEqual([...Array<number>(batches - 1).fill(BATCH), all.length - (batches - 1) * BATCH]);
    expect(checkpoints).toEqual(Array.from({ length: batches }, (_, n) => all[Math.min((n + 1) * BATCH, all.length) - 1]!.globalPosition));
  });

  it('folds on from the rows of earlier batches without reading any stream back', async () => {
    let streamsRead = 0;
    const store: Pick<EventStore, 'streamAll' | 'readStream'> = {
      streamAll: (from, size) => env.store.streamAll(from, size),
      readStream: async (streamId, range) => {
        streamsRead++;
        return env.store.readStream(streamId, range);
      },
    };
    await copyEventsToOrderView(copyOptions({ store }).options);
    expect(streamsRead).toBe(0);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(await rowsUpTo(all.at(-1)!.globalPosition));
  });

  it('stops after the batch whose commit callback throws, its rows and checkpoint committed and nothing after', async () => {
    const { options, checkpoints } = copyOptions({
      saveCheckpoint: async (trx, position) => {
        // A real checkpoint row, so that what was committed can be read back.
        await saveCheckpoint(trx, 'pipeline_test', position, new Date());
        checkpoints.push(position);
      },
      onCommitted: () => {
        if (checkpoints.length === 3) throw new Error('stopped');
      },
    });
    await expect(copyEventsToOrderView(options)).rejects.toThrow('stopped');

    const checkpoint = await readCheckpoint(env.db, 'pipeline_test');
    expect(checkpoints).toHaveLength(3);
    expect(checkpoint).toBe(all[3 * BATCH - 1]!.globalPosition);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(await rowsUpTo(checkpoint!));
  });

  it('resumes from a checkpoint and ends as a copy from the start does', async () => {
    const middle = all[2 * BATCH + 3]!.globalPosition;
    // A store whose head is `middle`, as if the copy had stopped there.
    const readAll: EventStore['readAll'] = async (from, size) => {
      // Filtered rather than a page cut to `middle - from`: positions need not be dense (PostgreSQL's are not).
      const events = (await env.store.readAll(from, size)).events.filter((entry) => entry.globalPosition <= middle);
      return { events, nextPosition: events.at(-1)?.globalPosition ?? from };
    };
    const stoppedAtMiddle: Pick<EventStore, 'streamAll' | 'readStream'> = {
      readStream: (streamId, range) => env.store.readStream(streamId, range),
      streamAll: (from, size) => readAllPages(readAll, from, size),
    };
    await copyEventsToOrderView(copyOptions({ store: stoppedAtMiddle }).options);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(await rowsUpTo(middle));

    await copyEventsToOrderView(copyOptions({ from: middle }).options);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(await rowsUpTo(all.at(-1)!.globalPosition));
  });
});
