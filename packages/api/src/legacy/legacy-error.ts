import { DomainError } from '@delivery/events';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { restError } from '../rest/rest-error';
import { describeIssues, type InputIssue } from '../trpc/error-formatter';

/**
 * A legacy error body. `detail` is where Django REST framework put its message, so clients of the
 * original find it where they looked; the rest says which field, and for a conflict where the order is.
 */
export interface LegacyErrorBody {
  detail: string;
  code: TRPC_ERROR_CODE_KEY;
  issues?: InputIssue[];
  current_status?: string | null;
  current_version?: number;
}

/** Errors raised by the legacy layer itself, turned into what a procedure would have thrown. */
function asTrpcError(cause: unknown): unknown {
  if (cause instanceof DomainError) return new TRPCError({ code: cause.code, message: cause.message, cause });
  if (cause instanceof z.ZodError) return new TRPCError({ code: 'BAD_REQUEST', message: 'invalid input', cause });
  return cause;
}

/**
 * Shapes an error of a legacy call. `renamePath` maps the procedures' field paths back to the names the
 * legacy body used (`items[0].alcoholContent` -> `[0].alcohol_content`), so the message names the field
 * the client actually sent.
 */
export function legacyError(
  cause: unknown,
  options: { requestId: string; renamePath?: (path: string) => string },
): { status: number; body: LegacyErrorBody; internal: boolean; retryAfterSeconds?: number } {
  const { status, body, error } = restError(asTrpcError(cause), { requestId: options.requestId });
  const rename = options.renamePath ?? ((path: string) => path);
  const issues = body.data.issues?.map((issue) => ({ path: rename(issue.path), message: issue.message }));
  const legacy: LegacyErrorBody = { detail: issues?.length ? describeIssues(issues) : body.message, code: body.code };
  if (issues?.length) legacy.issues = issues;
  if (body.data.currentVersion !== undefined) {
    legacy.current_version = body.data.currentVersion;
    legacy.current_status = body.data.currentStatus ?? null;
  }
  const retry = body.data.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: body.data.retryAfterSeconds };
  return { status, body: legacy, internal: error.code === 'INTERNAL_SERVER_ERROR', ...retry };
}
