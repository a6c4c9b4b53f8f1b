/**
 * The few domain errors every transport knows how to translate (tRPC errorFormatter, Hono onError,
 * worker retry-or-park). Their `code` matches the tRPC error code a client sees.
 */
export type DomainErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** Required, where Error's is optional: every domain error says what went wrong. */
  constructor(message: string) {
    super(message);
  }
}

export class ValidationError extends DomainError {
  readonly code = 'BAD_REQUEST';
  override readonly name = 'ValidationError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  override readonly name = 'NotFoundError';
}

/** A command that does not fit the current state: a stale expected version or an illegal transition. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly currentVersion: number,
    readonly currentStatus?: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  override readonly name = 'ForbiddenError';
}

/** A field's path as a client writes it: `items[2].quantity` (`input` for the whole). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text || 'input';
}
