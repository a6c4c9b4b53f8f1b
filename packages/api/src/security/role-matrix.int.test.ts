import { orderStreamId, readOrderStream } from '@delivery/events';
import { applyOrderEvent } from '@delivery/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRouteTable, type RestRoute } from '../rest/rest-route-table';
import { appRouter } from '../router/root.router';
import { ADMIN, ROLE_NAMES, VENDOR, codeOf, createSecurityApi, firstSseEvent, sseOutcome, type RoleName, type SecurityApi } from './security-harness';

/**
 * Every procedure, called by every role (anonymous, two customers, a vendor, an admin) over both
 * transports, against what API.md says each may do. Each call gets a fresh target (Alice's order, a menu
 * item), so the order of the cases does not matter.
 */
let api: SecurityApi & { closeAll(): Promise<void> };
beforeAll(async () => {
  api = await createSecurityApi({ config: { UNKNOWN_ORDER_WAIT_MS: 100 } });
});
afterAll(async () => {
  await api?.closeAll();
});

type Access = 'public' | 'admin' | 'customer' | 'reader' | 'lister' | 'owner' | 'vendor';

/** What each role gets, by the kind of access a procedure needs (API.md "Auth"). */
const EXPECTED: Record<Access, Record<RoleName, string>> = {
  public: { anonymous: 'OK', alice: 'OK', bob: 'OK', vendor: 'OK', admin: 'OK' },
  admin: { anonymous: 'UNAUTHORIZED', alice: 'FORBIDDEN', bob: 'FORBIDDEN', vendor: 'FORBIDDEN', admin: 'OK' },
  customer: { anonymous: 'UNAUTHORIZED', alice: 'OK', bob: 'OK', vendor: 'FORBIDDEN', admin: 'FORBIDDEN' },
  // Alice's order: Bob is told it does not exist, never that it is forbidden.
  reader: { anonymous: 'UNAUTHORIZED', alice: 'OK', bob: 'NOT_FOUND', vendor: 'OK', admin: 'OK' },
  lister: { anonymous: 'UNAUTHORIZED', alice: 'OK', bob: 'OK', vendor: 'OK', admin: 'OK' },
  owner: { anonymous: 'UNAUTHORIZED', alice: 'OK', bob: 'NOT_FOUND', vendor: 'FORBIDDEN', admin: 'FORBIDDEN' },
  vendor: { anonymous: 'UNAUTHORIZED', alice: 'FORBIDDEN', bob: 'FORBIDDEN', vendor: 'OK', admin: 'FORBIDDEN' },
};

const freshFood = async () => (await api.caller(ADMIN).menu.food.create({ items: [{ name: 'Target', price: '1.00', category: 'Sides' }] }))[0]!.id;
const freshBar = async () =>
  (await api.caller(ADMIN).menu.bar.create({ items: [{ name: 'Target', price: '1.00', category: 'Beer', alcoholContent: 'None' }] }))[0]!.id;
const acceptedOrder = async () => {
  const orderId = await api.placeAlicesOrder();
  await api.caller(VENDOR).order.accept({ orderId });
  return orderId;
};

const CASES: Record<string, { access: Access; input: () => Promise<Record<string, unknown> | undefined> }> = {
  'menu.food.list': { access: 'public', input: async () => ({ category: 'Sides' }) },
  'menu.food.get': { access: 'public', input: async () => ({ id: await freshFood() }) },
  'menu.food.create': { access: 'admin', input: async () => ({ items: [{ name: 'New', price: '2.00', category: 'Sides' }] }) },
  'menu.food.update': { access: 'admin', input: async () => ({ items: [{ id: await freshFood(), price: '3.00' }] }) },
  'menu.food.updateAll': { access: 'admin', input: async () => ({ patch: { available: true } }) },
  'menu.food.delete': { access: 'admin', input: async () => ({ id: await freshFood() }) },
  'menu.bar.list': { access: 'public', input: async () => undefined },
  'menu.bar.get': { access: 'public', input: async () => ({ id: await freshBar() }) },
  'menu.bar.create': { access: 'admin', input: async () => ({ items: [{ name: 'New', price: '2.00', category: 'Beer', alcoholContent: 'Medium' }] }) },
  'menu.bar.update': { access: 'admin', input: async () => ({ items: [{ id: await freshBar(), price: '3.00' }] }) },
  'menu.bar.updateAll': { access: 'admin', input: async () => ({ patch: { available: true } }) },
  'menu.bar.delete': { access: 'admin', input: async () => ({ id: await freshBar() }) },
  'menu.quote': { access: 'public', input: async () => ({ items: [{ kind: 'food', id: 1, quantity: 2 }] }) },
  'order.place': { access: 'customer', input: async () => ({ items: [{ kind: 'food', id: 1, quantity: 1 }] }) },
  'order.get': { access: 'reader', input: async () => ({ orderId: await api.placeAlicesOrder() }) },
  'order.list': { access: 'lister', input: async () => ({ limit: 5 }) },
  'order.history': { access: 'reader', input: async () => ({ orderId: await api.placeAlicesOrder() }) },
  'order.cancel': { access: 'owner', input: async () => ({ orderId: await api.placeAlicesOrder() }) },
  'order.accept': { access: 'vendor', input: async () => ({ orderId: await api.placeAlicesOrder() }) },
  'order.reject': { access: 'vendor', input: async () => ({ orderId: await api.placeAlicesOrder(), reason: 'closed' }) },
  'order.markDelivered': { access: 'vendor', input: async () => ({ orderId: await acceptedOrder() }) },
  'order.onStatusChange': { access: 'reader', input: async () => ({ orderId: await api.placeAlicesOrder() }) },
};

const procedureType = (path: string) => (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]!._def.type;

async function callTrpc(path: string, role: RoleName, input: Record<string, unknown> | undefined): Promise<string> {
  const type = procedureType(path);
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  if (type === 'subscription') {
    const response = await api.request(`/trpc/${path}${query}`, { headers: { ...api.auth[role], accept: 'text/event-stream' } });
    if (response.headers.get('content-type')?.includes('application/json')) return codeOf(response);
    return sseOutcome(await firstSseEvent(response));
  }
  if (type === 'query') return codeOf(await api.request(`/trpc/${path}${query}`, { headers: api.auth[role] }));
  return codeOf(
    await api.request(`/trpc/${path}`, {
      method: 'POST',
      headers: { ...api.auth[role], 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    }),
  );
}

const routes = buildRouteTable();
const routeOf = (path: string): RestRoute | undefined => routes.find((route) => route.procedure.path === path);

async function callRest(route: RestRoute, role: RoleName, input: Record<string, unknown> | undefined): Promise<string> {
  const fields = { ...input };
  const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(fields[name]);
    delete fields[name];
    return encodeURIComponent(value);
  });
  const headers = { ...api.auth[role] };
  if (route.method === 'GET' || route.method === 'DELETE') {
    const query = new URLSearchParams(Object.entries(fields).map(([name, value]) => [name, String(value)])).toString();
    return codeOf(await api.request(query ? `${url}?${query}` : url, { method: route.method, headers }));
  }
  return codeOf(await api.request(url, { method: route.method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields) }));
}

describe('the role matrix', () => {
  it('covers every procedure of the router', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  });

  describe.each(Object.entries(CASES))('%s', (path, { access, input }) => {
    it.each(ROLE_NAMES)('over /trpc, as %s', async (role) => {
      expect(await callTrpc(path, role, await input())).toBe(EXPECTED[access][role]);
    });

    const route = routeOf(path);
    if (route) {
      it.each(ROLE_NAMES)(`over REST ${route.method} ${route.path}, as %s`, async (role) => {
        expect(await callRest(route, role, await input())).toBe(EXPECTED[access][role]);
      });
    } else {
      it('has no REST route only because it is a subscription', () => {
        expect(procedureType(path)).toBe('subscription');
      });
    }
  });

  it("lists only a customer's own orders to that customer", async () => {
    const orderId = await api.placeAlicesOrder();
    // What the projection worker does, so the read model (the list) has the order.
    const [placed] = await readOrderStream(api.deps.eventStore, orderId);
    await applyOrderEvent({ db: api.deps.db.orders, store: api.deps.eventStore }, { streamId: orderStreamId(orderId), streamVersion: 1, event: placed!.event });
    const list = async (role: RoleName) => {
      const response = await api.request('/api/v1/orders?limit=100', { headers: api.auth[role] });
      return ((await response.json()) as { items: { orderId: string }[] }).items.map((order) => order.orderId);
    };
    expect(await list('alice')).toContain(orderId);
    expect(await list('bob')).not.toContain(orderId);
    expect(await list('vendor')).toContain(orderId);
  });
});
