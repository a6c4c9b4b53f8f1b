import { type Kysely, sql } from 'kysely';

/** Resolves when the database answers a trivial query. */
export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
