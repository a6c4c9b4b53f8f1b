import { type Kysely, sql } from 'kysely';

/** Outbox rows the relay has published so far (published_at set): events relayed, for per-event figures. */
export async function publishedOutboxRows<DB>(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from outbox where published_at is not null`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
