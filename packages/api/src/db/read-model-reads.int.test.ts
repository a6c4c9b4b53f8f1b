import { createMysqlDb, silentLogger } from '@delivery/events';
import { freePort } from '@delivery/events/testing';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadModelReads } from './read-model-reads';

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

/** Which server answered: each pool is asked for its port. */
const whoAnswers = (db: Kysely<unknown>) => sql<{ port: number }>`SELECT @@port AS port`.execute(db).then(({ rows }) => Number(rows[0]?.port));

// The healthy replica (reads on it, its lag, a stop between two checks) is in the fault tier, on a pair of its own.
describe('read-model reads', () => {
  let primary: Kysely<unknown>;
  let unreachable: Kysely<unknown>;
  let notAReplica: Kysely<unknown>;

  beforeAll(async () => {
    primary = createMysqlDb(MYSQL_URL);
    unreachable = createMysqlDb(`mysql://root@127.0.0.1:${await freePort()}/`);
    notAReplica = createMysqlDb(MYSQL_URL);
  });
  afterAll(async () => {
    await Promise.all([primary.destroy(), unreachable.destroy(), notAReplica.destroy()]);
  });

  it('reads the primary and shows no replica when none is configured', async () => {
    const reads = createReadModelReads({ primary, logger: silentLogger });
    expect(await reads.read(whoAnswers)).toBe(3306);
    expect(reads.replicaHealth()).toBeNull();
    expect(reads.readsServed()).toEqual({ replica: 0, primary: 1 });
  });

  it('sends reads to the primary while the replica cannot be reached, and reports it down', async () => {
    const reads = createReadModelReads({ primary, replica: unreachable, logger: silentLogger, checkIntervalMs: 20 });
    try {
      expect(await reads.checkReplica()).toEqual({ state: 'down', lagSeconds: null });
      for (let i = 0; i < 5; i++) expect(await reads.read(whoAnswers)).toBe(3306);
      expect(reads.readsServed()).toEqual({ replica: 0, primary: 5 });
    } finally {
      reads.close();
    }
  });

  it('takes a server that replicates from nobody for a replica that is down', async () => {
    const reads = createReadModelReads({ primary, replica: notAReplica, logger: silentLogger, checkIntervalMs: 20 });
    try {
      expect(await reads.checkReplica()).toEqual({ state: 'down', lagSeconds: null });
      expect(await reads.read(whoAnswers)).toBe(3306);
      expect(reads.readsServed()).toEqual({ replica: 0, primary: 1 });
    } finally {
      reads.close();
    }
  });
});
