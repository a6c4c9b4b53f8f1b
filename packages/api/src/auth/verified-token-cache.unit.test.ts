import { describe, expect, it } from 'vitest';
import { checkTokenTimes, InvalidTokenError, signToken, verifyToken } from './jwt';
import { verifiedTokenCache } from './verified-token-cache';

const secret = 'unit-test-secret-0123456789abcdef0123';
const now = new Date('2026-01-01T12:00:00Z');
const alice = { sub: 'alice', role: 'customer', email: 'alice@example.com' } as const;
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('the token was accepted');
    },
    (error: unknown) => error,
  );
}

describe('verified token cache', () => {
  it('answers a token verified before with the same user, without checking its signature again', async () => {
    const cache = verifiedTokenCache();
    const token = await signToken(secret, alice, '1h', now);
    const first = await verifyToken(secret, token, now, { cache });
    expect(cache.size).toBe(1);
    // The cached entry is what answers: a hit returns the very object the first verification made.
    await expect(verifyToken(secret, token, later(60), { cache })).resolves.toBe(first);
    expect(first).toEqual(alice);
  });

  it('refuses a cached token once it has expired, as an uncached check would, and forgets it', async () => {
    const cache = verifiedTokenCache();
    const token = await signToken(secret, alice, '1h', now);
    await verifyToken(secret, token, now, { cache });
    const uncached = await refusal(verifyToken(secret, token, later(3600 + 10)));
    const cached = await refusal(verifyToken(secret, token, later(3600 + 10), { cache }));
    expect(uncached).toMatchObject({ message: 'token expired' });
    expect(cached).toBeInstanceOf(InvalidTokenError);
    expect(cached).toMatchObject({ message: 'token expired' });
    expect(cache.size).toBe(0);
  });

  it('keeps the clock tolerance at the edge of expiry, as jose does', async () => {
    const cache = verifiedTokenCache();
    const token = await signToken(secret, alice, '1h', now);
    await verifyToken(secret, token, now, { cache });
    // exp = now + 3600; the tolerance is 5 s: valid while exp > now - 5.
    await expect(verifyToken(secret, token, later(3604), { cache })).resolves.toEqual(alice);
    await expect(verifyToken(secret, token, later(3604))).resolves.toEqual(alice);
    await expect(verifyToken(secret, token, later(3605), { cache })).rejects.toMatchObject({ message: 'token expired' });
    await expect(verifyToken(secret, token, later(3605))).rejects.toMatchObject({ message: 'token expired' });
  });

  it('is no hit for a token verified under another secret', async () => {
    const cache = verifiedTokenCache();
    const token = await signToken(secret, alice, '1h', now);
    await verifyToken(secret, token, now, { cache });
    await expect(verifyToken('another-secret-0123456789abcdef0123', token, now, { cache })).rejects.toMatchObject({ message: 'invalid token' });
  });

  it('checks the lifetime cap of the call on a hit too', async () => {
    const cache = verifiedTokenCache();
    const token = await signToken(secret, alice, '2h', now);
    await verifyToken(secret, token, now, { cache });
    await expect(verifyToken(secret, token, now, { cache, maxLifetimeSeconds: 3600 })).rejects.toMatchObject({
      message: 'invalid token: lives longer than 3600 seconds',
    });
  });

  it('never remembers a refused token', async () => {
    const cache = verifiedTokenCache();
    const expired = await signToken(secret, alice, '1h', later(-7200));
    await expect(verifyToken(secret, expired, now, { cache })).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifyToken(secret, `${expired}x`, now, { cache })).rejects.toBeInstanceOf(InvalidTokenError);
    expect(cache.size).toBe(0);
  });

  it('holds at most its size, letting the oldest entry go first', async () => {
    const cache = verifiedTokenCache(2);
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => signToken(secret, { sub, role: 'vendor' }, '1h', now)));
    for (const token of tokens) await verifyToken(secret, token, now, { cache });
    expect(cache.size).toBe(2);
    expect(cache.get(tokens[0]!, secret)).toBeUndefined();
    expect(cache.get(tokens[1]!, secret)?.user.sub).toBe('b');
    expect(cache.get(tokens[2]!, secret)?.user.sub).toBe('c');
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => verifiedTokenCache(0)).toThrow(RangeError);
  });
});

describe('token times', () => {
  const seconds = now.getTime() / 1000;
  const times = { iat: seconds, exp: seconds + 60 };

  it('refuses a token before its nbf (beyond the tolerance), after its exp, issued in the future or living too long', () => {
    expect(() => checkTokenTimes({ ...times, nbf: seconds + 6 }, now, 3600)).toThrow('invalid token');
    expect(() => checkTokenTimes({ ...times, nbf: seconds + 5 }, now, 3600)).not.toThrow();
    expect(() => checkTokenTimes(times, later(65), 3600)).toThrow('token expired');
    expect(() => checkTokenTimes({ iat: seconds + 6, exp: seconds + 60 }, now, 3600)).toThrow('invalid token: issued in the future');
    expect(() => checkTokenTimes(times, now, 59)).toThrow('invalid token: lives longer than 59 seconds');
    expect(() => checkTokenTimes(times, now, 60)).not.toThrow();
  });
});
