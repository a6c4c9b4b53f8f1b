import type { AppDeps } from '../deps/app-deps';
import type { AuthUser } from '../auth/jwt';
import { createInnerContext } from '../trpc/context';
import { createCaller } from '../router/root.router';

/**
 * The original paths carry no token, so each call runs as a fixed synthetic actor with the least role
 * its job needs, through the same procedures (and commands, events, checks) as every other client:
 * - orders are placed (and cancelled) by the customer `legacy`;
 * - menu writes run as the admin `legacy-admin`, and order reads as the admin too, because the original
 *   listed every order;
 * - status changes other than cancelling run as the vendor `legacy-vendor`.
 * Events record these actors, so the history shows which changes came through the original paths.
 */
export const LEGACY_ACTORS = {
  customer: { sub: 'legacy', role: 'customer' },
  admin: { sub: 'legacy-admin', role: 'admin' },
  vendor: { sub: 'legacy-vendor', role: 'vendor' },
} as const satisfies Record<string, AuthUser>;

export type LegacyCaller = ReturnType<typeof createCaller>;

/** Callers of the app's router for one legacy request, keyed by actor (null: anonymous, for menu reads). */
export function legacyCallers(deps: AppDeps, requestId: string) {
  const as = (user: AuthUser | null): LegacyCaller => createCaller(createInnerContext(deps, { user, requestId }));
  return {
    anonymous: as(null),
    customer: as(LEGACY_ACTORS.customer),
    admin: as(LEGACY_ACTORS.admin),
    vendor: as(LEGACY_ACTORS.vendor),
  };
}
export type LegacyCallers = ReturnType<typeof legacyCallers>;
