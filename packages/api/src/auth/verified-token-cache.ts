import type { AuthUser } from './jwt';

/** What a token's signature check established once, and the times every later use must still be checked against. */
export interface VerifiedToken {
  user: AuthUser;
  /** The secret its signature was checked with: a hit under another secret is no hit. */
  secret: string;
  iat: number;
  exp: number;
  nbf?: number;
}

/**
 * Tokens whose signature and claims were verified, by the token string, so a client sending the same token
 * again costs a lookup instead of an HMAC and a claims parse. Time is not cached: the caller checks
 * expiry (and every other time-dependent claim) on each hit. Bounded: past `maxEntries` the oldest entry
 * makes room, so a flood of distinct valid tokens cannot grow memory without end.
 */
export interface VerifiedTokenCache {
  get(token: string, secret: string): VerifiedToken | undefined;
  set(token: string, verified: VerifiedToken): void;
  delete(token: string): void;
  readonly size: number;
}

/** Enough for every customer active within a token's life on one API process; a few MB at most. */
const DEFAULT_VERIFIED_TOKENS = 10_000;

/** @example const cache = verifiedTokenCache(); await verifyToken(secret, token, now, { cache }); */
export function verifiedTokenCache(maxEntries: number = DEFAULT_VERIFIED_TOKENS): VerifiedTokenCache {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
  // A Map iterates in insertion order: its first key is the oldest entry.
  const entries = new Map<string, VerifiedToken>();
  return {
    get(token, secret) {
      const entry = entries.get(token);
      return entry?.secret === secret ? entry : undefined;
    },
    set(token, verified) {
      entries.delete(token);
      entries.set(token, verified);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    delete(token) {
      entries.delete(token);
    },
    get size() {
      return entries.size;
    },
  };
}
