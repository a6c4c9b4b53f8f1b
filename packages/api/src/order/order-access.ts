import { NotFoundError } from '@delivery/events';
import type { AuthUser } from '../auth/jwt';

/**
 * Who may see an order: its owner, any vendor, any admin. Everyone else is told it does not exist,
 * never that it is forbidden, so order ids leak nothing (BOLA).
 */
export function requireReadable(user: AuthUser, orderId: string, ownerId: string): void {
  if (user.role === 'customer' && user.sub !== ownerId) throw new NotFoundError(`order ${orderId} not found`);
}

/** Only the owner may change an order as a customer; for anyone else it does not exist. */
export function requireOwner(user: AuthUser, orderId: string, ownerId: string): void {
  if (user.sub !== ownerId) throw new NotFoundError(`order ${orderId} not found`);
}
