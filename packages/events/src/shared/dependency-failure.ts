import { backoffDelayMs, delay } from './backoff';

/** How long to wait between tries while a dependency is down: from 250 ms, doubling, up to 5 s. */
const UNAVAILABLE_BACKOFF = { initialMs: 250, maxMs: 5_000 };

/**
 * A call failed because a service it needs is down or unreachable (a database, the mail server, the API),
 * not because of what was asked: the same call will succeed once the service is back.
 */
export interface DependencyFailure {
  /** Which service: `mysql`, `postgres`, `pglite`, `smtp`, `api`, or the `host:port` that could not be reached. */
  dependency: string;
  /** What showed it, for logs: an error code, an SQLSTATE, an HTTP status. */
  reason: string;
}

/** Socket-level failures (Node's net/dns, undici's fetch, nodemailer's own codes): the peer is not there. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** mysql2's codes for a connection that broke or a server that is going away or full. */
const MYSQL_CODES: ReadonlySet<string> = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
]);

/** nodemailer's codes for a mail server that could not be reached or dropped the connection. */
const SMTP_CODES: ReadonlySet<string> = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

/** PostgreSQL SQLSTATEs of a server that is unreachable, shutting down, starting or full. */
const isPostgresUnavailableState = (state: string): boolean =>
  state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03' || state === '53300';

/** What node-postgres and PGlite say, without a code, when a connection ends under a query. */
const POSTGRES_LOST_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];
const MYSQL_LOST_MESSAGES = ["Can't add new command when connection is in closed state", 'Connection lost: The server closed the connection'];

/** HTTP answers of a service that is there but cannot serve now (tRPC clients carry them in `data.httpStatus`). */
const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

type ErrorLike = Record<string, unknown>;

const asObject = (value: unknown): ErrorLike | null => (typeof value === 'object' && value !== null ? (value as ErrorLike) : null);
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The error, its causes, and the errors an AggregateError gathers (Node's happy-eyeballs connect), nearest first. */
function* chainOf(error: unknown): Generator<ErrorLike> {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 16) {
    const current = asObject(queue.shift());
    if (!current || seen.has(current)) continue;
    seen.add(current);
    yield current;
    queue.push(current.cause);
    if (Array.isArray(current.errors)) queue.push(...(current.errors as unknown[]));
  }
}

/** The family that raised an error, when its shape says so (the nearest one wins, so a client error names the API). */
function familyOf(error: ErrorLike): string | undefined {
  if (error.name === 'TRPCClientError') return 'api';
  const code = stringOf(error.code);
  if (typeof error.sqlState === 'string' || (code && MYSQL_CODES.has(code))) return 'mysql';
  if (typeof error.severity === 'string' && typeof error.code === 'string') return 'postgres';
  if (typeof error.command === 'string' || typeof error.responseCode === 'number') return 'smtp';
  return undefined;
}

/** Why this one error (not its causes) shows an unavailable service, if it does. */
function unavailableReason(error: ErrorLike): string | undefined {
  const code = stringOf(error.code);
  const message = stringOf(error.message) ?? '';
  if (code && (UNREACHABLE_CODES.has(code) || MYSQL_CODES.has(code) || SMTP_CODES.has(code))) return code;
  if (typeof error.severity === 'string' && code && isPostgresUnavailableState(code)) return code;
  if (MYSQL_LOST_MESSAGES.some((text) => message.startsWith(text))) return 'connection closed';
  if (POSTGRES_LOST_MESSAGES.some((text) => message.startsWith(text))) return 'connection terminated';
  if (message === 'PGlite is closed') return 'pglite closed';
  // A 4xx SMTP reply is the server's "not now" (421 going away, 450/451/452 try later).
  const responseCode = error.responseCode;
  if (typeof responseCode === 'number' && responseCode >= 400 && responseCode < 500) return `smtp ${responseCode}`;
  const data = asObject(error.data);
  const httpStatus = data?.httpStatus;
  if (typeof httpStatus === 'number' && UNAVAILABLE_STATUSES.has(httpStatus)) return `http ${httpStatus}`;
  if (error.name === 'TRPCClientError' && data === null && message.includes('fetch failed')) return 'fetch failed';
  return undefined;
}

/**
 * Tells a failing dependency from a failing message or request: connection refused, reset or timed out,
 * a lost MySQL/PostgreSQL/PGlite connection, a server shutting down, an SMTP connection error or 4xx
 * reply, a 502/503/504 or network failure of the API. Null for anything else (bad data, a bug, a
 * refusal), which is the message's own fault. Looks through `cause` chains.
 * @example const failure = dependencyFailureOf(error); if (failure) breakers.open(failure.dependency);
 */
export function dependencyFailureOf(error: unknown): DependencyFailure | null {
  let family: string | undefined;
  for (const link of chainOf(error)) {
    family ??= familyOf(link);
    const reason = unavailableReason(link);
    if (reason === undefined) continue;
    const address = stringOf(link.address);
    const endpoint = address && typeof link.port === 'number' ? `${address}:${link.port}` : undefined;
    const dependency = family ?? (reason === 'pglite closed' ? 'pglite' : endpoint) ?? 'network';
    return { dependency, reason };
  }
  return null;
}

/**
 * Runs `operation` again while it fails because a dependency is down (see `dependencyFailureOf`), with a
 * backoff from 250 ms up to 5 s, for at most `maxMs`; any other failure, or the last one, is thrown.
 * For a step that must not be repeated from the start, such as recording an email already sent.
 * @example await retryWhileUnavailable(() => recordEmailsSent(db, [row]), { maxMs: 300_000 });
 */
export async function retryWhileUnavailable<T>(operation: () => Promise<T>, options: { maxMs: number; onRetry?: (error: unknown) => void }): Promise<T> {
  const giveUpAt = Date.now() + options.maxMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!dependencyFailureOf(error) || Date.now() >= giveUpAt) throw error;
      options.onRetry?.(error);
      await delay(backoffDelayMs(UNAVAILABLE_BACKOFF, attempt)).promise;
    }
  }
}
