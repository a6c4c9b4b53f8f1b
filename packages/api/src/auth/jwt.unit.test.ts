import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authenticate } from './auth';
import { InvalidTokenError, TOKEN_AUDIENCE, TOKEN_ISSUER, signToken, ttlSeconds, verifyToken } from './jwt';

const secret = 'unit-test-secret-0123456789abcdef0123';
const now = new Date('2026-01-01T12:00:00Z');
const alice = { sub: 'alice', role: 'customer', email: 'alice@example.com' } as const;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = Math.floor(now.getTime() / 1000);

/** A token built by hand with the claims we would accept, signed by `sign`. */
function handMade(header: object, claims: object = {}) {
  return new SignJWT({ role: 'admin', ...claims })
    .setProtectedHeader({ alg: 'HS256', ...header })
    .setSubject('mallory')
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 3600);
}

async function refusal(token: string) {
  return verifyToken(secret, token, now).then(
    () => {
      throw new Error('the token was accepted');
    },
    (error: unknown) => error,
  );
}

describe('jwt', () => {
  it('verifies a token it signed into the same user', async () => {
    const token = await signToken(secret, alice, '1h', now);
    await expect(verifyToken(secret, token, now)).resolves.toEqual(alice);
  });

  it('leaves email out for roles that have none', async () => {
    const token = await signToken(secret, { sub: 'v1', role: 'vendor' }, '1h', now);
    await expect(verifyToken(secret, token, now)).resolves.toEqual({ sub: 'v1', role: 'vendor' });
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
      sub: 'mallory',
      role: 'admin',
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      exp: nowSeconds + 3600,
    })}.`;
    expect(await refusal(token)).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token signed with another HMAC algorithm even with the right secret', async () => {
    const token = await handMade({ alg: 'HS512' }).sign(new TextEncoder().encode(secret));
    expect(await refusal(token)).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signToken('another-secret-0123456789abcdef0123', alice, '1h', now);
    expect(await refusal(token)).toMatchObject({ message: 'invalid token' });
  });

  it('refuses an expired token and says so', async () => {
    const token = await signToken(secret, alice, '1h', new Date(now.getTime() - 2 * 3600_000));
    expect(await refusal(token)).toMatchObject({ message: 'token expired' });
  });

  it('refuses a token for another audience', async () => {
    const token = await handMade({}).setAudience('someone-else').sign(new TextEncoder().encode(secret));
    expect(await refusal(token)).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token from another issuer', async () => {
    const token = await handMade({}).setIssuer('someone-else').sign(new TextEncoder().encode(secret));
    expect(await refusal(token)).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token whose role is unknown', async () => {
    const token = await handMade({}, { role: 'root' }).sign(new TextEncoder().encode(secret));
    expect(await refusal(token)).toMatchObject({ message: 'invalid token: unexpected claims' });
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .sign(new TextEncoder().encode(secret));
    expect(await refusal(token)).toBeInstanceOf(InvalidTokenError);
  });

  it('reads lifetimes as seconds or spans', () => {
    expect(ttlSeconds('15m')).toBe(900);
    expect(ttlSeconds('1h')).toBe(3600);
    expect(ttlSeconds('7d')).toBe(604_800);
    expect(ttlSeconds(60)).toBe(60);
    expect(() => ttlSeconds('soon')).toThrow(RangeError);
    expect(() => ttlSeconds(0)).toThrow(RangeError);
  });
});

describe('authenticate', () => {
  it('treats a request without an Authorization header as anonymous', async () => {
    await expect(authenticate(null, secret, now)).resolves.toBeNull();
  });

  it('reads a bearer token', async () => {
    const token = await signToken(secret, alice, '1h', now);
    await expect(authenticate(`Bearer ${token}`, secret, now)).resolves.toEqual(alice);
  });

  it('refuses a header that is not a bearer token', async () => {
    await expect(authenticate('Basic YWxpY2U6c2VjcmV0', secret, now)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a bearer header with a bad token rather than treating it as anonymous', async () => {
    await expect(authenticate('Bearer not-a-jwt', secret, now)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
