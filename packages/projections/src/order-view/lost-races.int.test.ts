import { describe, expect, it } from 'vitest';
import { orderHistory, withVersions } from '../testing/order-histories';
import { projectionsTestEnvFor } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { isLostRace, retryLostRaces } from '@delivery/events';
import { foldOrderView } from './order-view.projection';
import { insertOrderView } from './order-view.repository';

describe.each(sqlBackends)('lost races on $name', (backend) => {
  const env = projectionsTestEnvFor(backend);

  const errorOf = (work: Promise<unknown>) =>
    work.then(
      () => expect.fail('expected an error'),
      (error: unknown) => error,
    );

  it('knows the duplicate first row of an order for a lost race', async () => {
    const row = foldOrderView(withVersions(orderHistory()))!;
    await insertOrderView(env.db, row);
    expect(isLostRace(await errorOf(insertOrderView(env.db, row)))).toBe(true);
  });

  it('does not take another database error for one, and does not retry it', async () => {
    const row = { ...foldOrderView(withVersions(orderHistory()))!, email: null as unknown as string };
    expect(isLostRace(await errorOf(insertOrderView(env.db, row)))).toBe(false);

    let attempts = 0;
    await expect(retryLostRaces(async () => (attempts++, await insertOrderView(env.db, row)))).rejects.toThrow();
    expect(attempts).toBe(1);
  });

  it('repeats work that lost a race', async () => {
    const row = foldOrderView(withVersions(orderHistory()))!;
    await insertOrderView(env.db, row);
    let attempts = 0;
    await retryLostRaces(async () => {
      if (++attempts === 1) await insertOrderView(env.db, row);
    });
    expect(attempts).toBe(2);
  });
});
