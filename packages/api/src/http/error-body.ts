import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { TRPCError } from '@trpc/server';

/**
 * An error answered outside tRPC (body too large, unknown route, a crash in middleware) in the same JSON
 * shape tRPC answers with, so a client needs one error parser.
 */
export function errorResponseBody(code: TRPC_ERROR_CODE_KEY, message: string, requestId?: string) {
  return {
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus: httpStatusOf(code), ...(requestId ? { requestId } : {}) },
    },
  };
}

function httpStatusOf(code: TRPC_ERROR_CODE_KEY): number {
  return getHTTPStatusCodeFromError(new TRPCError({ code }));
}
