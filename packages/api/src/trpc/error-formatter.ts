import { ConflictError, OrderStatus, UnreadableEventError, ValidationError, formatIssuePath, orderIdFromStreamId } from '@delivery/events';

export { formatIssuePath };

import type { TRPCDefaultErrorShape, TRPCError } from '@trpc/server';
import { retryAfterSecondsOf } from '../limits/retry-after';
import { VersionNotReachedError } from './version-not-reached.error';

/** One problem with the input: the field's path as a client writes it (`items[2].quantity`) and why. */
export interface InputIssue {
  path: string;
  message: string;
}

/** What clients find in `error.data`, beyond tRPC's `code`, `httpStatus` and `path`. */
export interface ErrorData {
  code: TRPCDefaultErrorShape['data']['code'];
  httpStatus: number;
  path?: string;
  /** BAD_REQUEST: each bad field. */
  issues?: InputIssue[];
  /** CONFLICT: the state the command ran into; TIMEOUT (minVersion not reached): the order's version. */
  currentVersion?: number;
  // Written as the enum's values rather than the OrderStatus alias: the SDK's bundled .d.ts then spells the
  // union out instead of importing it from @delivery/events.
  currentStatus?: (typeof OrderStatus.options)[number] | null;
  /** TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE: seconds to wait, as the `Retry-After` header says. */
  retryAfterSeconds?: number;
  /** Matches the `x-request-id` response header and the server's log lines. */
  requestId?: string;
}

const MAX_ISSUES_IN_MESSAGE = 5;

interface SchemaIssue {
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  message: string;
  code?: string;
  keys?: readonly string[];
}

function isSchemaError(cause: unknown): cause is { issues: SchemaIssue[] } {
  return typeof cause === 'object' && cause !== null && Array.isArray((cause as { issues?: unknown }).issues);
}

/** Input issues of a zod (or any Standard Schema) error, an unknown field named as its own path. */
function schemaIssues(issues: readonly SchemaIssue[]): InputIssue[] {
  return issues.flatMap((issue) => {
    const path = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      return issue.keys.map((key) => ({ path: formatIssuePath([...path, key]), message: 'unknown field' }));
    }
    return [{ path: formatIssuePath(path), message: issue.message }];
  });
}

/** The bad fields of a BAD_REQUEST caused by input validation (zod) or a domain ValidationError. */
export function inputIssues(error: TRPCError): InputIssue[] | undefined {
  if (error.code !== 'BAD_REQUEST') return undefined;
  const cause = error.cause;
  if (cause instanceof ValidationError) {
    const prefix = `${cause.field}: `;
    return [{ path: cause.field, message: cause.message.startsWith(prefix) ? cause.message.slice(prefix.length) : cause.message }];
  }
  return isSchemaError(cause) ? schemaIssues(cause.issues) : undefined;
}

/** `items[2].quantity: must be at most 100; name: ...`, cut short after a few. */
export function describeIssues(issues: readonly InputIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/**
 * The one place errors are shaped for clients: input errors become a message naming each field, a
 * CONFLICT carries the current version and status, internal errors say nothing about internals, and
 * no stack trace ever leaves the server (the logs have it).
 */
export function formatError(opts: {
  shape: TRPCDefaultErrorShape;
  error: TRPCError;
  ctx?: { requestId?: string } | undefined;
}): Omit<TRPCDefaultErrorShape, 'data'> & { data: ErrorData } {
  const { shape, error, ctx } = opts;
  const { stack: _stack, ...base } = shape.data;
  const data: ErrorData = { ...base };
  const issues = inputIssues(error);
  if (issues) data.issues = issues.slice(0, 50);
  if (error.cause instanceof ConflictError) {
    data.currentVersion = error.cause.currentVersion;
    // ConflictError carries any string; clients are promised the status union, so anything else is left out.
    const status = OrderStatus.safeParse(error.cause.currentStatus);
    data.currentStatus = status.success ? status.data : null;
  }
  const retryAfterSeconds = retryAfterSecondsOf(error);
  if (retryAfterSeconds !== undefined) data.retryAfterSeconds = retryAfterSeconds;
  if (error.cause instanceof VersionNotReachedError) data.currentVersion = error.cause.currentVersion;
  if (ctx?.requestId) data.requestId = ctx.requestId;
  const message = issues?.length ? describeIssues(issues) : error.code === 'INTERNAL_SERVER_ERROR' ? internalErrorMessage(error.cause) : shape.message;
  return { ...shape, message, data };
}

/**
 * Internal errors say nothing of internals, but one the caller can do nothing about and an operator can
 * fix (a stored event this server cannot read) says which order it concerns, so the client can tell it
 * from a passing failure; the log line of the request names its position and the reason.
 */
function internalErrorMessage(cause: unknown): string {
  if (!(cause instanceof UnreadableEventError)) return 'Internal server error';
  const subject = cause.streamId.startsWith('order-') ? `order ${orderIdFromStreamId(cause.streamId)}` : 'this record';
  return `${subject} cannot be read: its stored event at version ${cause.streamVersion} (${cause.eventType}) is in a form this server cannot read; it stays unavailable until an operator repairs it`;
}
