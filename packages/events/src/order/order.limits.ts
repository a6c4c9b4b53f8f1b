import { MAX_MONEY } from '../shared/money';

/**
 * The limits of one order, in one place: the command side refuses what passes them (400 naming the field),
 * and the event schemas that readers parse with enforce the same, so nothing stored is unreadable.
 */
export const ORDER_LIMITS = {
  /** Lines per order; each menu item once (the same item in two lines would pass the quantity cap). */
  maxLines: 50,
  /** Units of one item in one line. */
  maxQuantity: 100,
  /** Menu ids are PostgreSQL `serial`s: a larger number is no item, and must not reach SQL. */
  maxMenuItemId: 2_147_483_647,
  /** A line total and the order total are money, whose format holds at most this. */
  maxAmount: MAX_MONEY,
} as const;
