import diagnostics from 'node:diagnostics_channel';
import { Kysely, MysqlDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestMysqlDatabase } from '../testing/mysql';
import { createTestPostgresDatabase } from '../testing/postgres';
import type { TestDatabase } from '../testing/test-database';
import { createMysqlDb } from './mysql-database';
import { createPostgresDb } from './postgres-database';
import { readCommittedTransaction } from './read-committed';

const isolationOf = async (db: Kysely<unknown>): Promise<string> => {
  const { rows } = await sql<{ level: string }>`select @@tx_isolation as level`.execute(db);
  return String(rows[0]?.level);
};

/** The statements this process sends to MariaDB while `work` runs (mysql2's tracing channel). */
async function mysqlStatementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const channel = diagnostics.tracingChannel<object, { query?: string }>('mysql2:query');
  const subscriber = { start: (context: { query?: string }) => void sent.push(context.query ?? ''), end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  channel.subscribe(subscriber);
  try {
    await work();
  } finally {
    channel.unsubscribe(subscriber);
  }
  return sent;
}

describe('READ COMMITTED transactions on MySQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestMysqlDatabase();
  });
  afterAll(() => database.drop());

  it('every session of a createMysqlDb pool starts at READ COMMITTED, and its transactions send no SET TRANSACTION', async () => {
    const db = createMysqlDb<unknown>(database.url, { poolSize: 3 });
    try {
      // Three at once open three sessions.
      expect(await Promise.all([isolationOf(db), isolationOf(db), isolationOf(db)])).toEqual(['READ-COMMITTED', 'READ-COMMITTED', 'READ-COMMITTED']);
      let inside = '';
      const sent = await mysqlStatementsDuring(() =>
        readCommittedTransaction(db).execute(async (trx) => {
          inside = await isolationOf(trx);
        }),
      );
      expect(inside).toBe('READ-COMMITTED');
      expect(sent.map((statement) => statement.toLowerCase())).toEqual(['begin', 'select @@tx_isolation as level', 'commit']);
    } finally {
      await db.destroy();
    }
  });

  it('a Kysely over a pool of someone else sets the level for each transaction, its sessions left as they were', async () => {
    const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: createPool({ uri: database.url, connectionLimit: 1 }) }) });
    try {
      await sql`set session transaction isolation level repeatable read`.execute(db);
      // MariaDB shows a session's level, not the running transaction's: what was sent says it.
      const sent = await mysqlStatementsDuring(() => readCommittedTransaction(db).execute(async () => {}));
      expect(sent.map((statement) => statement.toLowerCase())).toEqual(['set transaction isolation level read committed', 'begin', 'commit']);
      expect(await isolationOf(db)).toBe('REPEATABLE-READ');
    } finally {
      await db.destroy();
    }
  });
});

describe('READ COMMITTED transactions on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestPostgresDatabase();
  });
  afterAll(() => database.drop());

  it('are said so in their START TRANSACTION, whatever the session default', async () => {
    // One connection: the session set to SERIALIZABLE is the one the transaction runs on.
    const db = createPostgresDb<unknown>(database.url, { poolSize: 1 });
    try {
      await sql`set session characteristics as transaction isolation level serializable`.execute(db);
      let inside = '';
      await readCommittedTransaction(db).execute(async (trx) => {
        const { rows } = await sql<{ level: string }>`select current_setting('transaction_isolation') as level`.execute(trx);
        inside = String(rows[0]?.level);
      });
      expect(inside).toBe('read committed');
    } finally {
      await db.destroy();
    }
  });
});
