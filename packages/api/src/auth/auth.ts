import { type AuthUser, InvalidTokenError, type VerifyOptions, verifyToken } from './jwt';

/**
 * Reads `Authorization: Bearer <token>`: no header means an anonymous caller (null); a header that is
 * malformed or carries a bad or expired token is refused, never silently treated as anonymous.
 * @throws InvalidTokenError
 */
export async function authenticate(authorization: string | null | undefined, secret: string, now: Date, options: VerifyOptions = {}): Promise<AuthUser | null> {
  if (authorization === null || authorization === undefined || authorization.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new InvalidTokenError('Authorization header must be "Bearer <token>"');
  return verifyToken(secret, match[1]!, now, options);
}
