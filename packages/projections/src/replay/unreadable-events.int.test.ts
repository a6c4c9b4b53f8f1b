import { orderStreamId, readOrderStream, type OrderEvent } from '@delivery/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldOrderView } from '../order-view/order-view.projection';
import { getOrderView, listAllOrderViews } from '../order-view/order-view.repository';
import { orderHistory } from '../testing/order-histories';
import { appendOrderHistory, createProjectionsTestEnv, type ProjectionsTestEnv } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { replayOrderView } from './order-view.replay';
import { tableExists } from './order-view-replay.repository';

/** An event as old data or a bug could have stored it: its total passes the money format. */
const unreadable = (event: OrderEvent) => ({ ...event, data: { ...event.data, total: '100000000.00' } }) as OrderEvent;

describe.each(sqlBackends)('a replay meeting stored events it cannot read, on $name', (backend) => {
  let env: ProjectionsTestEnv;
  let readable: string[];
  let brokenFromStart: string;
  let brokenLater: OrderEvent[];

  beforeAll(async () => {
    env = await createProjectionsTestEnv(backend);
    const before = Array.from({ length: 4 }, () => orderHistory({ outcome: 'delivered' }));
    const [placed, ...rest] = orderHistory({ outcome: 'delivered' });
    // An order whose OrderPlaced cannot be read, and one whose second event (after a readable first) cannot.
    await env.store.appendToStream(orderStreamId(placed!.data.orderId), [unreadable(placed!), ...rest], { expectedVersion: 'no_stream' });
    brokenFromStart = placed!.data.orderId;
    brokenLater = orderHistory({ outcome: 'delivered' });
    const [first, second, ...after] = brokenLater;
    await env.store.appendToStream(orderStreamId(first!.data.orderId), [first!, { ...second!, data: { orderId: 42 } } as unknown as OrderEvent, ...after], {
      expectedVersion: 'no_stream',
    });
    const afterThem = Array.from({ length: 4 }, () => orderHistory({ outcome: 'accepted' }));
    for (const events of [...before, ...afterThem]) await appendOrderHistory(env.store, events);
    readable = [...before, ...afterThem].map((events) => events[0]!.data.orderId);
  }, 60_000);
  afterAll(async () => {
    await env?.drop();
  });

  it('stops at the first one, naming its position, stream and error, and switches nothing in', async () => {
    const failure = await replayOrderView({ ...env, batchSize: 4 }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'UnreadableEventError', streamId: orderStreamId(brokenFromStart), streamVersion: 1, eventType: 'OrderPlaced' });
    expect((failure as Error).message).toMatch(/^the event at position \d+ \(order-[0-9a-f-]+ version 1, OrderPlaced\) cannot be read: data\.total: /);
    // The live table is untouched: the rebuild waits in its own table for the fix (or a skip).
    expect(await tableExists(env.db, 'order_view_next')).toBe(true);
  });

  it('leaves them out when asked, reports each, and rebuilds every other order whole', async () => {
    const result = await replayOrderView({ ...env, batchSize: 4, skipUnreadable: true });

    const brokenLaterId = brokenLater[0]!.data.orderId;
    expect(result.skipped.map(({ streamId, streamVersion }) => ({ streamId, streamVersion }))).toEqual([
      ...[1, 2, 3].map((streamVersion) => ({ streamId: orderStreamId(brokenFromStart), streamVersion })),
      ...[2, 3].map((streamVersion) => ({ streamId: orderStreamId(brokenLaterId), streamVersion })),
    ]);
    expect(result.skipped[0]?.reason).toMatch(/^data\.total: /);
    expect(result.skipped[3]?.reason).toMatch(/orderId/);
    expect(result.skipped[4]?.reason).toBe('follows an unreadable event of the same order');

    for (const orderId of readable) {
      expect(await getOrderView(env.db, orderId)).toEqual(foldOrderView(await readOrderStream(env.store, orderId)));
    }
    expect(await getOrderView(env.db, brokenFromStart)).toBeNull();
    // The order with a readable start stays where that start took it.
    expect(await getOrderView(env.db, brokenLaterId)).toMatchObject({ status: 'pending', version: 1 });
    expect(await listAllOrderViews(env.db)).toHaveLength(readable.length + 1);
  });
});
