/**
 * `getToken` threw or rejected: the call never reached the API. Found as the `cause` of the client's error,
 * so it is told apart from a network failure (see `clientFailureOf`).
 * @example if (clientFailureOf(error) === 'token') await session.signInAgain();
 */
export class DeliveryTokenError extends Error {
  constructor(cause: unknown) {
    super(`getToken failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DeliveryTokenError';
  }
}

/** What `getToken` is told: `refresh` is true when the API has just refused the token it gave last. */
export interface TokenRequest {
  refresh: boolean;
}

/** A fixed token, a function that fetches one, or none (anonymous calls such as the menu). */
export type TokenSource = string | ((request: TokenRequest) => string | undefined | Promise<string | undefined>) | undefined;

/** The `authorization` header for one request; a failing `getToken` becomes a `DeliveryTokenError`. */
export async function authorizationHeader(source: TokenSource, request: TokenRequest): Promise<Record<string, string>> {
  let token: string | undefined;
  if (typeof source === 'function') {
    try {
      token = await source(request);
    } catch (error) {
      throw new DeliveryTokenError(error);
    }
  } else {
    token = source;
  }
  return token ? { authorization: `Bearer ${token}` } : {};
}
