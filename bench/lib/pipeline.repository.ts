import { asProjectionsDb } from '@delivery/projections';
import { type Kysely, sql } from 'kysely';

/** Which of these orders the read model shows already (one indexed `IN` lookup, ids only). */
export async function visibleOrderIds<DB>(db: Kysely<DB>, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = await asProjectionsDb(db).selectFrom('order_view').select('order_id').where('order_id', 'in', orderIds).execute();
  return rows.map((row) => row.order_id);
}

/** Outbox rows the relay has published so far (published_at set): events relayed, for per-event figures. */
export async function publishedOutboxRows<DB>(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from outbox where published_at is not null`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
