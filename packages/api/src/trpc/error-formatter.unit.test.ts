import { ConflictError, ValidationError } from '@delivery/events';
import { TRPCError, getTRPCErrorShape, initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatError, formatIssuePath } from './error-formatter';

const t = initTRPC.create();

function format(error: TRPCError, requestId?: string) {
  const shape = getTRPCErrorShape({ config: t._config, error, type: 'mutation', path: 'menu.food.create', input: undefined, ctx: undefined });
  return formatError({ shape, error, ctx: requestId ? { requestId } : undefined });
}

const zodFailure = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return new TRPCError({ code: 'BAD_REQUEST', cause: result.error });
};

describe('error formatter', () => {
  it('writes paths the way a client writes them', () => {
    expect(formatIssuePath(['items', 2, 'quantity'])).toBe('items[2].quantity');
    expect(formatIssuePath([])).toBe('input');
  });

  it('turns an input error into a message naming each field', () => {
    const schema = z.object({ items: z.array(z.object({ quantity: z.number().max(100, 'must be at most 100') })) });
    const formatted = format(zodFailure(schema, { items: [{ quantity: 1 }, { quantity: 1 }, { quantity: 101 }] }));
    expect(formatted.message).toBe('items[2].quantity: must be at most 100');
    expect(formatted.data.issues).toEqual([{ path: 'items[2].quantity', message: 'must be at most 100' }]);
    expect(formatted.data.code).toBe('BAD_REQUEST');
  });

  it('names each unknown field of a strict object', () => {
    const schema = z.object({ items: z.array(z.object({ name: z.string() }).strict()) });
    const formatted = format(zodFailure(schema, { items: [{ name: 'x', colour: 'red', size: 2 }] }));
    expect(formatted.data.issues).toEqual([
      { path: 'items[0].colour', message: 'unknown field' },
      { path: 'items[0].size', message: 'unknown field' },
    ]);
  });

  it('keeps a long list of problems short in the message', () => {
    const schema = z.array(z.string());
    const formatted = format(
      zodFailure(
        schema,
        Array.from({ length: 9 }, (_, index) => index),
      ),
    );
    expect(formatted.message).toMatch(/; and 4 more$/);
    expect(formatted.data.issues).toHaveLength(9);
  });

  it('names the field of a domain validation error', () => {
    const formatted = format(new TRPCError({ code: 'BAD_REQUEST', message: 'x', cause: new ValidationError('items[1].id', 'no food item with id 9') }));
    expect(formatted.message).toBe('items[1].id: no food item with id 9');
  });

  it('carries the current version and status of a conflict', () => {
    const cause = new ConflictError('order is accepted', 3, 'accepted');
    const formatted = format(new TRPCError({ code: 'CONFLICT', message: cause.message, cause }));
    expect(formatted.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, currentVersion: 3, currentStatus: 'accepted' });
  });

  it('says nothing about internals and never sends a stack trace', () => {
    const formatted = format(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new Error('relation "food_items" does not exist') }), 'req-1');
    expect(formatted.message).toBe('Internal server error');
    expect(formatted.data).not.toHaveProperty('stack');
    expect(formatted.data.requestId).toBe('req-1');
    expect(JSON.stringify(formatted)).not.toContain('food_items');
  });
});
