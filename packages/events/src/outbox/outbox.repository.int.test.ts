import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMysqlDb } from '../db/mysql-database';
import type { EventStoreDatabase } from '../event-store/mysql/event.table';
import { createMysqlEventStore } from '../event-store/mysql/mysql-event-store';
import type { EventStore } from '../event-store/event-store';
import { sampleOrderAccepted, sampleOrderPlaced } from '../messaging/testing/order-events';
import { migrateEventStore } from '../event-store/mysql/migrations/migrate-event-store';
import { orderStreamId } from '../order/order.events';
import { createTestMysqlDatabase } from '../testing/mysql';
import type { TestDatabase } from '../testing/test-database';
import {
  claimPendingOutboxRows,
  getOutboxStatus,
  hasPendingOutboxRows,
  markOutboxRowsPublished,
  outboxRowToMessage,
  recordOutboxFailure,
  setAsideOutboxRows,
} from './outbox.repository';

describe('outbox repository', () => {
  const appendedAt = new Date('2025-03-04T05:06:07.000Z');
  let database: TestDatabase;
  let db: Kysely<EventStoreDatabase>;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestMysqlDatabase('outbox');
    db = createMysqlDb<EventStoreDatabase>(database.url, { poolSize: 4 });
    await migrateEventStore(db);
    store = createMysqlEventStore({ db, clock: { now: () => appendedAt } });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  // Each test starts with nothing pending.
  beforeEach(async () => {
    await db.transaction().execute(async (trx) => {
      const rows = await claimPendingOutboxRows(trx, 10_000);
      await markOutboxRowsPublished(
        trx,
        rows.map((row) => row.id),
        appendedAt,
      );
    });
  });

  async function placeOrder() {
    const placed = sampleOrderPlaced();
    const accepted = sampleOrderAccepted(placed.data.orderId);
    await store.appendToStream(orderStreamId(placed.data.orderId), [placed, accepted]);
    return [placed, accepted];
  }

  it('says whether a row waits, counting neither published nor set-aside rows', async () => {
    expect(await hasPendingOutboxRows(db)).toBe(false);
    const placed = sampleOrderPlaced();
    await store.appendToStream(orderStreamId(placed.data.orderId), [placed], { expectedVersion: 'no_stream' });
    expect(await hasPendingOutboxRows(db)).toBe(true);
    const [row] = await db.transaction().execute((trx) => claimPendingOutboxRows(trx, 10));
    const ids = row ? [row.id] : [];
    await setAsideOutboxRows(
      db,
      ids.map((id) => ({ id, error: 'broken' })),
      appendedAt,
    );
    expect(await hasPendingOutboxRows(db)).toBe(false);
    // Published, so the other tests start with nothing set aside either.
    await markOutboxRowsPublished(db, ids, appendedAt);
  });

  it('claims pending rows oldest first, up to the limit', async () => {
    const first = await placeOrder();
    const second = await placeOrder();
    const claimed = await db.transaction().execute((trx) => claimPendingOutboxRows(trx, 3));
    expect(claimed.map((row) => row.event_id)).toEqual([...first, second[0]!].map((event) => event.metadata.eventId));
    expect(outboxRowToMessage(claimed[0]!)).toEqual({
      streamId: orderStreamId(first[0]!.data.orderId),
      streamVersion: 1,
      event: first[0],
    });
  });

  it('lets a second relay skip the rows the first one holds', async () => {
    await placeOrder();
    await placeOrder();
    await db.transaction().execute(async (first) => {
      const held = await claimPendingOutboxRows(first, 2);
      const other = await db.transaction().execute((second) => claimPendingOutboxRows(second, 10));
      expect(held).toHaveLength(2);
      expect(other).toHaveLength(2);
      const heldIds = new Set(held.map((row) => row.id));
      expect(other.filter((row) => heldIds.has(row.id))).toEqual([]);
    });
  });

  it('stops returning rows once they are marked published', async () => {
    await placeOrder();
    const publishedAt = new Date('2025-03-04T05:06:09.000Z');
    await db.transaction().execute(async (trx) => {
      const rows = await claimPendingOutboxRows(trx, 10);
      await markOutboxRowsPublished(
        trx,
        rows.map((row) => row.id),
        publishedAt,
      );
    });
    expect(await db.transaction().execute((trx) => claimPendingOutboxRows(trx, 10))).toEqual([]);
    expect(await getOutboxStatus(db, publishedAt)).toEqual({ pending: 0, oldestPendingAgeMs: null, setAside: 0 });
  });

  it('keeps rows pending when the claiming transaction rolls back', async () => {
    await placeOrder();
    await expect(
      db.transaction().execute(async (trx) => {
        const rows = await claimPendingOutboxRows(trx, 10);
        await markOutboxRowsPublished(
          trx,
          rows.map((row) => row.id),
          appendedAt,
        );
        throw new Error('broker unreachable');
      }),
    ).rejects.toThrow('broker unreachable');
    expect((await getOutboxStatus(db, appendedAt)).pending).toBe(2);
  });

  it('counts failed attempts and keeps the last error, cut to 1000 characters', async () => {
    await placeOrder();
    const rows = await db.transaction().execute((trx) => claimPendingOutboxRows(trx, 10));
    const ids = rows.map((row) => row.id);
    await recordOutboxFailure(db, ids, 'first failure');
    await recordOutboxFailure(db, ids, 'x'.repeat(1500));
    const after = await db.transaction().execute((trx) => claimPendingOutboxRows(trx, 10));
    expect(after.map((row) => [row.attempts, row.last_error?.length, row.published_at])).toEqual([
      [2, 1000, null],
      [2, 1000, null],
    ]);
  });

  it('reports how many rows are pending and how long the oldest has waited', async () => {
    await placeOrder();
    await placeOrder();
    const now = new Date(appendedAt.getTime() + 1234);
    expect(await getOutboxStatus(db, now)).toEqual({ pending: 4, oldestPendingAgeMs: 1234, setAside: 0 });
  });
});
