import { Role } from '@delivery/events';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { VerifiedToken, VerifiedTokenCache } from './verified-token-cache';

export const TOKEN_ISSUER = 'delivery-system';
export const TOKEN_AUDIENCE = 'delivery-api';
// Pinned: a token naming any other algorithm (`none`, RS256 with our secret as a "public key") is refused.
const ALGORITHM = 'HS256';

/** Who is calling, as a verified token says. */
export const AuthUser = z.object({
  // Control characters (NUL above all) cannot be stored or compared as text by every database.
  sub: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
  role: Role,
  email: z.email().max(254).optional(),
});
export type AuthUser = z.infer<typeof AuthUser>;

/** Why a token was refused; the API answers UNAUTHORIZED with this message. */
export class InvalidTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidTokenError';
  }
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Seconds of clock difference between the signer and this server that a token's times may show. */
const CLOCK_TOLERANCE_S = 5;

/** The longest life a token may have (`exp - iat`) unless the caller says otherwise: `TOKEN_MAX_TTL`'s default. */
const DEFAULT_MAX_TOKEN_LIFETIME_S = 30 * 86_400;

export interface VerifyOptions {
  /** Tokens whose `exp - iat` is longer are refused, however far off their expiry. */
  maxLifetimeSeconds?: number;
  /** Tokens verified before: a hit skips the signature check and the claims parse, never the checks of time. */
  cache?: VerifiedTokenCache;
}

const SPAN_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** A token lifetime in seconds, from a number of seconds or a span such as "15m", "1h", "7d". */
export function ttlSeconds(ttl: string | number): number {
  if (typeof ttl === 'number') {
    if (!Number.isInteger(ttl) || ttl <= 0) throw new RangeError(`invalid token lifetime: ${ttl}`);
    return ttl;
  }
  const match = /^(\d+)\s*([smhdw])$/.exec(ttl.trim());
  if (!match) throw new RangeError(`invalid token lifetime "${ttl}": use a number and a unit (s, m, h, d, w), such as 1h`);
  const seconds = Number(match[1]) * SPAN_SECONDS[match[2] as keyof typeof SPAN_SECONDS];
  if (seconds <= 0) throw new RangeError(`invalid token lifetime "${ttl}": must be positive`);
  return seconds;
}

/**
 * Signs a bearer token for `claims`, valid for `ttl` (seconds, or "15m", "1h", "7d").
 * @example const token = await signToken(secret, { sub: 'alice', role: 'customer', email: 'alice@example.com' }, '1h');
 */
export async function signToken(secret: string, claims: AuthUser, ttl: string | number = '1h', now: Date = new Date()): Promise<string> {
  const { sub, role, email } = AuthUser.parse(claims);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role, ...(email ? { email } : {}) })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds(ttl))
    .sign(keyOf(secret));
}

/**
 * Verifies a bearer token: HS256 only, our issuer and audience, issued (`iat`) not in the future, a lifetime
 * (`exp - iat`) within the cap, not expired, and claims of the right shape.
 * @throws InvalidTokenError with a message fit for the client ("token expired", "invalid token").
 */
export async function verifyToken(secret: string, token: string, now: Date = new Date(), options: VerifyOptions = {}): Promise<AuthUser> {
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
  const cached = options.cache?.get(token, secret);
  if (cached) {
    try {
      checkTokenTimes(cached, now, maxLifetime);
    } catch (error) {
      // Expired (or, under a clock moved back, not yet valid): no later hit needs it either way.
      options.cache?.delete(token);
      throw error;
    }
    return cached.user;
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('token expired', { cause: error });
    throw new InvalidTokenError('invalid token', { cause: error });
  }
  // jose has checked that iat, exp and nbf (when present) are numbers.
  const { iat, exp, nbf } = payload as { iat: number; exp: number; nbf?: number };
  const times = { iat, exp, ...(nbf === undefined ? {} : { nbf }) };
  checkTokenTimes(times, now, maxLifetime);
  const claims = AuthUser.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('invalid token: unexpected claims', { cause: claims.error });
  const user = Object.freeze(claims.data);
  options.cache?.set(token, { ...times, user, secret });
  return user;
}

/**
 * The checks of a verified token that depend on the time or on the lifetime cap, made at every use, cached
 * or not: not before `nbf`, not at or past `exp` (both as jose counts them, in whole seconds, with the
 * tolerance), `iat` not in the future, a lifetime (`exp - iat`) within the cap.
 * @throws InvalidTokenError
 */
export function checkTokenTimes(times: Pick<VerifiedToken, 'iat' | 'exp' | 'nbf'>, now: Date, maxLifetimeSeconds: number): void {
  const nowSeconds = now.getTime() / 1000;
  const wholeSeconds = Math.floor(nowSeconds);
  if (times.nbf !== undefined && times.nbf > wholeSeconds + CLOCK_TOLERANCE_S) throw new InvalidTokenError('invalid token');
  if (times.exp <= wholeSeconds - CLOCK_TOLERANCE_S) throw new InvalidTokenError('token expired');
  // A token "issued" later than now, or living longer than the cap, was minted to outlive a key rotation or a leak.
  if (times.iat > nowSeconds + CLOCK_TOLERANCE_S) throw new InvalidTokenError('invalid token: issued in the future');
  if (times.exp - times.iat > maxLifetimeSeconds) throw new InvalidTokenError(`invalid token: lives longer than ${maxLifetimeSeconds} seconds`);
}
