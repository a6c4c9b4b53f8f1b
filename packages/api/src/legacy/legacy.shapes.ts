import { centsToMoney, OrderStatus, type MenuKind } from '@delivery/events';
import type { Order } from '@delivery/projections';
import { z } from 'zod';
import type { MenuItem } from '../menu/menu.schemas';

/** A menu item as the original system wrote it: snake_case, price a decimal string ("8.50"). */
export interface LegacyMenuItem {
  id: number;
  name: string;
  description: string;
  price: string;
  available: boolean;
  category: string;
  alcohol_content?: string;
}

/** An order as the original system wrote it; `id` is the order's UUID (see legacy.routes.ts). */
export interface LegacyOrder {
  id: string;
  items: { name: string; quantity: number; price: string }[];
  created_at: string;
  updated_at: string;
  total: string;
  status: Order['status'];
  email: string;
}

export function legacyMenuItem(item: MenuItem): LegacyMenuItem {
  const { id, name, description, price, available, category } = item;
  return 'alcoholContent' in item
    ? { id, name, description, price, available, category, alcohol_content: item.alcoholContent }
    : { id, name, description, price, available, category };
}

export function legacyOrder(order: Order): LegacyOrder {
  return {
    id: order.orderId,
    items: order.lines.map((line) => ({ name: line.name, quantity: line.quantity, price: line.unitPrice })),
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    total: order.total,
    status: order.status,
    email: order.email,
  };
}

const MENU_FIELDS: Record<MenuKind, readonly string[]> = {
  food: ['name', 'description', 'price', 'available', 'category'],
  bar: ['name', 'description', 'price', 'available', 'category', 'alcohol_content'],
};

/**
 * The original accepted prices as JSON numbers (8.5) or decimal strings ("8.5"); both become the
 * two-place string the procedures take. Anything else is passed on for the procedure to refuse by name.
 */
function legacyPrice(price: unknown): unknown {
  if (typeof price === 'number' && Number.isFinite(price) && price >= 0) {
    const cents = Math.round(price * 100);
    return Math.abs(price * 100 - cents) < 1e-6 && Number.isSafeInteger(cents) ? centsToMoney(cents) : String(price);
  }
  if (typeof price === 'string' && /^\s*\d{1,8}(\.\d{1,2})?\s*$/.test(price)) {
    const [whole = '0', fraction = ''] = price.trim().split('.');
    return `${Number(whole)}.${fraction.padEnd(2, '0')}`;
  }
  return price;
}

/**
 * The fields of one legacy menu item as the procedures name them. Fields the original did not have are
 * dropped, as Django REST framework did (an `id` in a create body is ignored, not an error).
 */
export function menuFieldsFromLegacy(kind: MenuKind, raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!MENU_FIELDS[kind].includes(key)) continue;
    if (key === 'alcohol_content') fields.alcoholContent = value;
    else if (key === 'price') fields.price = legacyPrice(value);
    else fields[key] = value;
  }
  return fields;
}

/** `PUT .../update` items: the fields plus the id of the item to change. */
export function menuPatchFromLegacy(kind: MenuKind, raw: unknown): unknown {
  const fields = menuFieldsFromLegacy(kind, raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof fields !== 'object') return fields;
  return 'id' in raw ? { id: (raw as { id: unknown }).id, ...fields } : fields;
}

/** `[{ name, quantity }]`, as the original's cost and order endpoints took them. */
const LegacyLineItems = z
  .array(
    z.object({
      name: z.string({ error: 'must be the name of a menu item' }).trim().min(1, 'must not be empty'),
      quantity: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
    }),
    { error: 'must be a list of { name, quantity }' },
  )
  .min(1, 'must hold at least one item')
  .max(50, 'must hold at most 50 items');

export const LegacyCostInput = z.object({ items: LegacyLineItems });
export const LegacyOrderInput = z.object({ items: LegacyLineItems, email: z.unknown().optional() });
export const LegacyUpdateInput = z.object({
  Update_All: z.boolean({ error: 'must be true or false' }).optional(),
  data: z.unknown(),
});
export const LegacyStatusInput = z.object({
  status: z.enum(OrderStatus.options, { error: `must be one of ${OrderStatus.options.join(', ')}` }),
  reason: z.string().trim().min(1).max(500).optional(),
});
