import { type Kysely, sql, type Transaction } from 'kysely';
import type { OutboxRow, OutboxTable } from './outbox.table';

// The caller's Kysely may know more tables; these functions only touch `outbox`.
type OutboxDb = Kysely<{ outbox: OutboxTable }>;
const outboxDb = <DB>(db: Kysely<DB>) => db as unknown as OutboxDb;

/**
 * Locks up to `limit` unpublished rows, oldest first, skipping rows another relay holds, so several
 * relays can run at once. Call inside a transaction and mark them published before it commits.
 * Rows of one stream may then be split between relays: consumers order by stream version anyway.
 * @example
 * await db.transaction().execute(async (trx) => {
 *   const rows = await claimPendingOutboxRows(trx, 100);
 *   await publish(rows);
 *   await markOutboxRowsPublished(trx, rows.map((row) => row.id), clock.now());
 * });
 */
export async function claimPendingOutboxRows<DB>(trx: Transaction<DB>, limit: number): Promise<OutboxRow[]> {
  return outboxDb(trx)
    .selectFrom('outbox')
    .selectAll()
    .where('published_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
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

export interface OutboxStatus {
  pending: number;
  /** How long the oldest unpublished row has waited, or null when nothing is pending. */
  oldestPendingAgeMs: number | null;
}

/** How far publishing lags. @example const { pending, oldestPendingAgeMs } = await getOutboxStatus(db, clock.now()); */
export async function getOutboxStatus<DB>(db: Kysely<DB> | Transaction<DB>, now: Date): Promise<OutboxStatus> {
  const row = await outboxDb(db)
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<string>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  const oldest = row.oldest === null ? null : new Date(row.oldest);
  return {
    pending: Number(row.pending),
    oldestPendingAgeMs: oldest === null ? null : Math.max(0, now.getTime() - oldest.getTime()),
  };
}

/** The message the relay publishes for a row: the stored event JSON and its place in its stream. */
export function outboxRowToMessage(row: OutboxRow): { streamId: string; streamVersion: number; event: unknown } {
  return { streamId: row.stream_id, streamVersion: Number(row.stream_version), event: JSON.parse(row.payload) as unknown };
}
