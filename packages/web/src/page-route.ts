/** Which view a path shows: the shop, or the tracking view of one order (the confirmation email's link). */
export type PageRoute = { view: 'shop' } | { view: 'tracking'; orderId: string };

const TRACKING_PATH = /^\/orders\/([0-9a-fA-F-]{36})\/?$/;

/** @example routeOf('/orders/0d9b2c1e-2f4a-4a8e-9a7c-1b2c3d4e5f60'); // { view: 'tracking', orderId: '0d9b…' } */
export function routeOf(pathname: string): PageRoute {
  const match = TRACKING_PATH.exec(pathname);
  return match?.[1] ? { view: 'tracking', orderId: match[1].toLowerCase() } : { view: 'shop' };
}

/** The path of an order's tracking view, the same the confirmation email links to. */
export const trackingPath = (orderId: string): string => `/orders/${encodeURIComponent(orderId)}`;
