import { isLoopbackHost } from '@delivery/events';
import type { Context } from 'hono';

/** What @hono/node-server hands each request: the Node request, whose socket knows the peer. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The TCP peer's address, or null when the request came in process (`app.request` in tests, no socket).
 * Never a header's word: X-Forwarded-For is whatever the client wrote.
 */
export function clientAddress(c: Context): string | null {
  const bindings = c.env as NodeBindings | undefined;
  return bindings?.incoming?.socket?.remoteAddress ?? null;
}

/** True when a proxy says it forwarded the request: then the peer is the proxy, not the client. */
function isForwarded(c: Context): boolean {
  return c.req.header('forwarded') !== undefined || c.req.header('x-forwarded-for') !== undefined;
}

/**
 * A caller on this machine, talking to the API directly. A request forwarded by a proxy on this machine
 * comes from loopback too, but from anyone behind the proxy, so it does not count.
 */
export function isDirectLoopback(c: Context): boolean {
  const address = clientAddress(c);
  return address !== null && isLoopbackHost(address) && !isForwarded(c);
}
