import { getTRPCErrorFromUnknown, getTRPCErrorShape, type TRPCError, type TRPCProcedureType } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { serviceUnavailableError } from '../http/service-unavailable';
import type { Context } from '../trpc/context';
import type { ErrorData, InputIssue } from '../trpc/error-formatter';
import { appRouter } from '../router/root.router';

/**
 * A REST error body: `message` and `code` as the OpenAPI document describes them (`trpc-to-openapi`'s
 * error schema), `issues` naming each bad field, and `data` exactly as tRPC clients get it
 * (`currentVersion`/`currentStatus` on CONFLICT, `requestId`).
 */
export interface RestErrorBody {
  message: string;
  code: TRPC_ERROR_CODE_KEY;
  issues?: InputIssue[];
  data: ErrorData;
}

/**
 * Shapes any error thrown while serving a REST call with the router's own error formatter, so REST and
 * tRPC answer the same code, status and message for the same mistake.
 */
export function restError(
  cause: unknown,
  call: { path?: string; type?: TRPCProcedureType; input?: unknown; ctx?: Context; requestId: string },
): { status: number; body: RestErrorBody; error: TRPCError } {
  const known = getTRPCErrorFromUnknown(cause);
  // Errors raised outside a procedure (the legacy layer's own reads) meet a database that is down too.
  const error = (known.code === 'INTERNAL_SERVER_ERROR' ? serviceUnavailableError(cause) : null) ?? known;
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: call.type ?? 'unknown',
    path: call.path,
    input: call.input,
    ctx: call.ctx,
  });
  const data: ErrorData = { ...shape.data, requestId: call.requestId };
  const body: RestErrorBody = { message: shape.message, code: data.code, ...(data.issues ? { issues: data.issues } : {}), data };
  return { status: data.httpStatus, body, error };
}
