import { silentLogger } from '@delivery/events';
import { createTestMysqlDatabase, createTestPostgresDatabase, startTcpProxy, type TcpProxy } from '@delivery/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { openAppDeps, type OpenAppDeps } from '../deps/app-deps';
import { signToken } from '../auth/jwt';
import { loadConfig } from '../config/api-config';
import { migrateApiDatabases } from '../db/prepare-databases';
import { seedMenu } from '../menu/seed/menu-seed';
import { TEST_AUTH_SECRET } from '../testing';
import { RETRY_AFTER_SECONDS } from './service-unavailable';

// The databases are reached through proxies of this test's own, so "down" is a blocked proxy: the
// shared MariaDB and PostgreSQL stay up for everyone else (the fault tier stops the real ones).
let proxies: { mysql: TcpProxy; postgres: TcpProxy };
let opened: OpenAppDeps;
let app: ReturnType<typeof createApp>;
let token: string;
const drops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const [mysql, postgres] = await Promise.all([createTestMysqlDatabase(), createTestPostgresDatabase()]);
  drops.push(mysql.drop, postgres.drop);
  proxies = {
    mysql: await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(mysql.url).port || 3306) }),
    postgres: await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(postgres.url).port || 5432) }),
  };
  const config = {
    ...loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_AUTH_SECRET, LOG_LEVEL: 'silent', LEGACY_API: 'on' }),
    MYSQL_URL: proxies.mysql.proxiedUrl(mysql.url),
    POSTGRES_URL: proxies.postgres.proxiedUrl(postgres.url),
  };
  opened = openAppDeps(config, { logger: silentLogger });
  await migrateApiDatabases(opened.deps.db);
  await seedMenu(opened.deps.db.menu);
  app = createApp(opened.deps, { readinessTimeoutMs: 1_000 });
  token = await signToken(TEST_AUTH_SECRET, { sub: 'alice', role: 'customer', email: 'alice@example.com' }, '1h');
});

afterAll(async () => {
  await opened?.close();
  await Promise.all([proxies?.mysql.close(), proxies?.postgres.close()]);
  await Promise.allSettled(drops.map((drop) => drop()));
});

const items = [{ kind: 'food', id: 1, quantity: 1 }];
const json = { 'content-type': 'application/json' };
const placements = {
  tRPC: () => app.request('/trpc/order.place', { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ items }) }),
  REST: () => app.request('/api/v1/orders', { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ items }) }),
  legacy: () =>
    app.request('/order/api/create', { method: 'POST', body: JSON.stringify({ items: [{ name: 'Bruschetta', quantity: 1 }], email: 'legacy@example.com' }) }),
};
const successStatus = { tRPC: 200, REST: 201, legacy: 201 } as const;

/** The tRPC error code wherever the path puts it: tRPC `error.data.code`, REST `code`, legacy `code`. */
async function codeOf(response: Response): Promise<unknown> {
  const body = (await response.json()) as { code?: unknown; error?: { data?: { code?: unknown } } };
  return body.error?.data?.code ?? body.code;
}

describe.each(['mysql', 'postgres'] as const)('while %s is down', (database) => {
  it('every path answers 503 SERVICE_UNAVAILABLE with Retry-After, /readyz names it, and all recovers without a restart', async () => {
    proxies[database].block();
    try {
      for (const [path, place] of Object.entries(placements)) {
        const response = await place();
        expect(response.status, path).toBe(503);
        expect(response.headers.get('retry-after'), path).toBe(String(RETRY_AFTER_SECONDS));
        expect(await codeOf(response), path).toBe('SERVICE_UNAVAILABLE');
      }
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      const other = database === 'mysql' ? 'postgres' : 'mysql';
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({ [database]: 'down', [other]: 'ok' });
    } finally {
      proxies[database].unblock();
    }
    for (const [path, place] of Object.entries(placements)) {
      const response = await place();
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(successStatus[path as keyof typeof successStatus]);
    }
    expect((await app.request('/readyz')).status).toBe(200);
  });
});
