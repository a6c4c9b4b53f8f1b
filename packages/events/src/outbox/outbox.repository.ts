import { type Kysely, sql, type Transaction } from 'kysely';
import type { OutboxRow, OutboxTable } from './outbox.table';

// The caller's Kysely may know more tables; these functions only touch `outbox`.
type OutboxDb = Kysely<{ outbox: OutboxTable }>;
const outboxDb = <DB>(db: Kysely<DB>) => db as unknown as OutboxDb;

/** The rows waiting for the relay: not published, not set aside. */
const pendingRows = <DB>(db: Kysely<DB>) => outboxDb(db).selectFrom('outbox').where('published_at', 'is', null).where('set_aside_at', 'is', null);

/**
 * Locks up to `limit` unpublished rows, oldest first, skipping rows another relay holds (so several
 * relays can run at once) and rows set aside as unpublishable (so they never block the rows behind them). Call inside a transaction and mark them published before it commits.
 * Rows of one stream may then be split between relays: consumers order by stream version anyway.
 * @example
 * await db.transaction().execute(async (trx) => {
 *   const rows = await claimPendingOutboxRows(trx, 100);
 *   await publish(rows);
 *   await markOutboxRowsPublished(trx, rows.map((row) => row.id), clock.now());
 * });
 */
export async function claimPendingOutboxRows<DB>(trx: Transaction<DB>, limit: number): Promise<OutboxRow[]> {
  return pendingRows(trx).selectAll().orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

/**
 * Whether any row waits for the relay: one indexed read, no transaction and no lock, so an idle relay can
 * ask often and claim (a locking transaction) only when there is something to claim.
 * @example if (await hasPendingOutboxRows(db)) await db.transaction().execute((trx) => claimPendingOutboxRows(trx, 100));
 */
export async function hasPendingOutboxRows<DB>(db: Kysely<DB> | Transaction<DB>): Promise<boolean> {
  const row = await pendingRows(db).select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Marks rows published at `at`. @example await markOutboxRowsPublished(trx, ['1', '2'], clock.now()); */
export async function markOutboxRowsPublished<DB>(trx: Kysely<DB> | Transaction<DB>, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await outboxDb(trx).updateTable('outbox').set({ published_at: at }).where('id', 'in', ids).execute();
}

/**
 * Counts a failed publish attempt and keeps its message (cut to the column's 1000 characters); the rows
 * stay pending. Run it outside the claiming transaction, which is rolled back on failure.
 * @example await recordOutboxFailure(db, ids, String(error));
 */
export async function recordOutboxFailure<DB>(db: Kysely<DB> | Transaction<DB>, ids: readonly string[], message: string): Promise<void> {
  if (ids.length === 0) return;
  await outboxDb(db)
    .updateTable('outbox')
    .set({ attempts: sql<number>`attempts + 1`, last_error: message.slice(0, 1000) })
    .where('id', 'in', ids)
    .execute();
}

/**
 * Takes rows that can never be published as they are (not valid events) out of the claim, each with its
 * error, so the relay goes on with the rows behind them. Call in the transaction that claimed them.
 * @example await setAsideOutboxRows(trx, [{ id: '7', error: 'ZodError: ...' }], clock.now());
 */
export async function setAsideOutboxRows<DB>(trx: Kysely<DB> | Transaction<DB>, rows: readonly { id: string; error: string }[], at: Date): Promise<void> {
  for (const { id, error } of rows) {
    await outboxDb(trx)
      .updateTable('outbox')
      .set({ set_aside_at: at, attempts: sql<number>`attempts + 1`, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }
}

/** A row the relay set aside, as operators see it. */
export interface SetAsideOutboxRow {
  id: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  eventType: string;
  setAsideAt: Date;
  error: string | null;
}

/** The rows set aside, oldest first. @example const rows = await listSetAsideOutboxRows(db, 50); */
export async function listSetAsideOutboxRows<DB>(db: Kysely<DB> | Transaction<DB>, limit: number): Promise<SetAsideOutboxRow[]> {
  const rows = await outboxDb(db)
    .selectFrom('outbox')
    .select(['id', 'event_id', 'stream_id', 'stream_version', 'event_type', 'set_aside_at', 'last_error'])
    .where('published_at', 'is', null)
    .where('set_aside_at', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    eventType: row.event_type,
    setAsideAt: new Date(row.set_aside_at ?? 0),
    error: row.last_error,
  }));
}

/**
 * Gives set-aside rows back to the relay (after a fix): every one, or those with the given ids. A row that
 * is still unpublishable is set aside again by the next batch. Returns how many were given back.
 * @example const retried = await retrySetAsideOutboxRows(db, 'all');
 */
export async function retrySetAsideOutboxRows<DB>(db: Kysely<DB> | Transaction<DB>, ids: readonly string[] | 'all'): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let update = outboxDb(db).updateTable('outbox').set({ set_aside_at: null }).where('published_at', 'is', null).where('set_aside_at', 'is not', null);
  if (ids !== 'all') update = update.where('id', 'in', ids);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface OutboxStatus {
  /** Rows waiting for the relay. */
  pending: number;
  /** How long the oldest of them has waited, or null when nothing is pending. */
  oldestPendingAgeMs: number | null;
  /** Rows the relay set aside as unpublishable: they wait for an operator (`outbox retry`). */
  setAside: number;
}

/** How far publishing lags. @example const { pending, oldestPendingAgeMs, setAside } = await getOutboxStatus(db, clock.now()); */
export async function getOutboxStatus<DB>(db: Kysely<DB> | Transaction<DB>, now: Date): Promise<OutboxStatus> {
  const rows = await outboxDb(db)
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      eb.fn.min('created_at').as('oldest'),
      eb.case().when('set_aside_at', 'is', null).then(0).else(1).end().as('set_aside'),
    ])
    .where('published_at', 'is', null)
    .groupBy('set_aside')
    .execute();
  const pendingRow = rows.find((row) => Number(row.set_aside) === 0);
  const oldest = pendingRow?.oldest == null ? null : new Date(pendingRow.oldest);
  return {
    pending: Number(pendingRow?.count ?? 0),
    oldestPendingAgeMs: oldest === null ? null : Math.max(0, now.getTime() - oldest.getTime()),
    setAside: Number(rows.find((row) => Number(row.set_aside) === 1)?.count ?? 0),
  };
}

/** The message the relay publishes for a row: the stored event JSON and its place in its stream. */
export function outboxRowToMessage(row: OutboxRow): { streamId: string; streamVersion: number; event: unknown } {
  return { streamId: row.stream_id, streamVersion: Number(row.stream_version), event: JSON.parse(row.payload) as unknown };
}
