import { asProjectionsDb } from '@delivery/projections';
import type { Kysely } from 'kysely';

/** Which of these orders the read model shows already (one indexed `IN` lookup, ids only). */
export async function visibleOrderIds<DB>(db: Kysely<DB>, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = await asProjectionsDb(db).selectFrom('order_view').select('order_id').where('order_id', 'in', orderIds).execute();
  return rows.map((row) => row.order_id);
}
