import { sql, type Kysely, type Migration } from 'kysely';
import { sqlFamilyOf } from '../../db/sql-family';

/**
 * `set_aside_at`: when the relay found a row it can never publish as it is (not a valid event) and took
 * it out of the claim, so it no longer blocks the rows behind it. Null for every other row; an operator's
 * retry (`pnpm delivery outbox retry`) sets it back to null. The same column on MySQL and PostgreSQL.
 */
export const outboxSetAsideMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const time = sqlFamilyOf(db) === 'mysql' ? sql`datetime(3)` : sql`timestamptz(3)`;
    await db.schema.alterTable('outbox').addColumn('set_aside_at', time).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('outbox').dropColumn('set_aside_at').execute();
  },
};
