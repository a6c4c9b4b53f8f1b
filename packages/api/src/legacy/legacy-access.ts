import { networkList } from '@delivery/events';
import type { MiddlewareHandler } from 'hono';
import { clientAddress, isDirectLoopback } from '../http/client-address';
import type { LegacyEnv } from './legacy-handler';
import type { LegacyErrorBody } from './legacy-error';

/**
 * In production the original paths (no tokens) answer only callers on this machine and on the networks
 * of `LEGACY_API_ALLOW`, checked against the TCP peer (never a forwarding header); everyone else gets 403.
 * Outside production they answer anyone who reaches the API (which listens on loopback by default).
 * @example app.use('*', legacyAccess({ production: true, allow: ['10.0.0.0/8'] }));
 */
export function legacyAccess(options: { production: boolean; allow: readonly string[] }): MiddlewareHandler<LegacyEnv> {
  const allowed = networkList(options.allow);
  return async function legacyAccess(c, next) {
    if (!options.production || isDirectLoopback(c)) return next();
    const address = clientAddress(c);
    const family = address?.includes(':') ? 'ipv6' : 'ipv4';
    if (address !== null && allowed.check(address, family)) return next();
    const body: LegacyErrorBody = {
      detail: 'the original paths answer only this machine and the networks of LEGACY_API_ALLOW',
      code: 'FORBIDDEN',
    };
    return c.json(body, 403);
  };
}
