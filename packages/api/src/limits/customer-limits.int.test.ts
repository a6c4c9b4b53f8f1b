import { createTestMysqlDatabase, type TestDatabase } from '@delivery/events/testing';
import { silentLogger } from '@delivery/events';
import { createPool, type Pool } from 'mysql2';
import { RateLimiterMySQL } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CustomerLimits, mysqlCustomerLimits } from './customer-limits';
import { TooManyRequestsError } from './too-many-requests.error';

let database: TestDatabase;
const limits: CustomerLimits[] = [];
const config = { ordersPerWindow: 10, windowSeconds: 60, openSubscriptions: 2 };

beforeAll(async () => {
  database = await createTestMysqlDatabase('limits');
  // Two API processes on the same MySQL.
  limits.push(mysqlCustomerLimits(database.url, config, silentLogger), mysqlCustomerLimits(database.url, config, silentLogger));
});
afterAll(async () => {
  await Promise.all(limits.map((each) => each.close()));
  await database?.drop();
});

const outcome = (promise: Promise<void>) =>
  promise.then(
    () => 'admitted',
    (error: unknown) => (error instanceof TooManyRequestsError ? 'refused' : error),
  );

describe('order limits in MySQL', () => {
  it('admit exactly the window of a customer placing from many connections on two processes at once', async () => {
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, n) => outcome(limits[n % 2]!.placeOrder('alice'))));
    expect(outcomes.filter((result) => result === 'admitted')).toHaveLength(10);
    expect(outcomes.filter((result) => result === 'refused')).toHaveLength(30);
    // Both processes now refuse her, each saying how long to wait.
    for (const each of limits) {
      const refused = await each.placeOrder('alice').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TooManyRequestsError);
      expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(50);
      expect((refused as TooManyRequestsError).retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    await expect(limits[1]!.placeOrder('bob')).resolves.toBeUndefined();
  });

  it("count on rate-limiter-flexible's own rows, so processes of the version before count against the same numbers", async () => {
    let pool: Pool | undefined;
    try {
      pool = createPool({ uri: database.url, connectionLimit: 2 });
      const dbName = new URL(database.url).pathname.slice(1);
      const options = { storeClient: pool, storeType: 'pool', dbName, tableName: 'rate_limits', keyPrefix: 'order-place', points: 10, duration: 60 };
      const previous = await new Promise<RateLimiterMySQL>((resolve, reject) => {
        const limiter: RateLimiterMySQL = new RateLimiterMySQL(options, (error?: Error) => (error ? reject(error) : resolve(limiter)));
      });
      for (let n = 0; n < 6; n += 1) await previous.consume('carol');
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => outcome(limits[0]!.placeOrder('carol'))));
      expect(outcomes).toEqual(['admitted', 'admitted', 'admitted', 'admitted', 'refused', 'refused']);
      await expect(previous.consume('carol')).rejects.toMatchObject({ consumedPoints: 13 });
    } finally {
      await new Promise<void>((resolve) => (pool ? pool.end(() => resolve()) : resolve()));
    }
  });
});
