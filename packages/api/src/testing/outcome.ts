import { TRPCError } from '@trpc/server';

/** The tRPC error code a call ends with, or 'OK': for tables of expected outcomes in router tests. */
export async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
  return 'OK';
}
