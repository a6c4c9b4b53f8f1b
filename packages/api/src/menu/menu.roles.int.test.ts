import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../auth/jwt';
import { createTestApi, type TestApi } from '../testing';
import { appRouter } from '../router/root.router';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

type Caller = ReturnType<TestApi['caller']>;
const admin: AuthUser = { sub: 'root', role: 'admin' };

const callers: Record<string, AuthUser | null> = {
  anonymous: null,
  customer: { sub: 'alice', role: 'customer', email: 'alice@example.com' },
  vendor: { sub: 'kitchen', role: 'vendor' },
  admin,
};

/** A fresh item for a write to act on, made by an admin so each call has its own target. */
async function freshFood() {
  const [item] = await api.caller(admin).menu.food.create({ items: [{ name: 'Target', price: '1.00', category: 'Sides' }] });
  return item!;
}
async function freshBar() {
  const [item] = await api.caller(admin).menu.bar.create({ items: [{ name: 'Target', price: '1.00', category: 'Beer', alcoholContent: 'None' }] });
  return item!;
}

const procedures: Record<string, { write: boolean; call: (caller: Caller) => Promise<unknown> }> = {
  'menu.food.list': { write: false, call: (c) => c.menu.food.list() },
  'menu.food.get': { write: false, call: async (c) => c.menu.food.get({ id: (await freshFood()).id }) },
  'menu.food.create': { write: true, call: (c) => c.menu.food.create({ items: [{ name: 'New', price: '2.00', category: 'Sides' }] }) },
  'menu.food.update': { write: true, call: async (c) => c.menu.food.update({ items: [{ id: (await freshFood()).id, price: '3.00' }] }) },
  'menu.food.updateAll': { write: true, call: (c) => c.menu.food.updateAll({ patch: { available: true } }) },
  'menu.food.delete': { write: true, call: async (c) => c.menu.food.delete({ id: (await freshFood()).id }) },
  'menu.bar.list': { write: false, call: (c) => c.menu.bar.list() },
  'menu.bar.get': { write: false, call: async (c) => c.menu.bar.get({ id: (await freshBar()).id }) },
  'menu.bar.create': { write: true, call: (c) => c.menu.bar.create({ items: [{ name: 'New', price: '2.00', category: 'Beer', alcoholContent: 'Medium' }] }) },
  'menu.bar.update': { write: true, call: async (c) => c.menu.bar.update({ items: [{ id: (await freshBar()).id, price: '3.00' }] }) },
  'menu.bar.updateAll': { write: true, call: (c) => c.menu.bar.updateAll({ patch: { available: true } }) },
  'menu.bar.delete': { write: true, call: async (c) => c.menu.bar.delete({ id: (await freshBar()).id }) },
  'menu.quote': { write: false, call: async (c) => c.menu.quote({ items: [{ kind: 'food', id: (await freshFood()).id, quantity: 2 }] }) },
};

/** Menu reads are public; menu writes are for admins: anonymous callers must sign in, others are forbidden. */
function expectedOutcome(write: boolean, role: string): string {
  if (!write || role === 'admin') return 'OK';
  return role === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN';
}

async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe('menu role matrix', () => {
  const cases = Object.entries(procedures).flatMap(([path, procedure]) =>
    Object.keys(callers).map((role) => ({ path, role, write: procedure.write, expected: expectedOutcome(procedure.write, role) })),
  );

  it.each(cases)('$path called by $role answers $expected', async ({ path, role, expected }) => {
    expect(await outcomeOf(procedures[path]!.call(api.caller(callers[role]!)))).toBe(expected);
  });

  it('covers every menu procedure of the router', () => {
    const menuPaths = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith('menu.'));
    expect(Object.keys(procedures).sort()).toEqual(menuPaths.sort());
  });

  it('leaves a refused write without effect', async () => {
    const item = await freshFood();
    await outcomeOf(api.caller(callers.customer!).menu.food.update({ items: [{ id: item.id, price: '99.00' }] }));
    await outcomeOf(api.caller(callers.vendor!).menu.food.delete({ id: item.id }));
    await expect(api.caller(null).menu.food.get({ id: item.id })).resolves.toEqual(item);
  });
});
