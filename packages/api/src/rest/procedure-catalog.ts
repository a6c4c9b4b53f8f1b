import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCProcedureType } from '@trpc/server';
import { z } from 'zod';
import { appRouter } from '../trpc/root.router';
import type { ProcedureMeta } from './procedure-meta';

/** One procedure as the REST handler, the OpenAPI document and the panel see it. */
export interface ProcedureEntry {
  /** `menu.food.list` */
  path: string;
  type: TRPCProcedureType;
  meta: ProcedureMeta;
  /** The zod schema of the input; undefined when the procedure takes none. */
  input: z.ZodType | undefined;
}

function isProcedure(value: unknown): value is AnyTRPCProcedure {
  return typeof value === 'function' && (value as Partial<AnyTRPCProcedure>)._def?.procedure === true;
}

/**
 * Every procedure of a router, in the order the routers declare them. Reads the router's definition
 * (tRPC keeps a flat `path -> procedure` record there), so nothing has to be listed twice.
 */
export function listProcedures(router: AnyTRPCRouter = appRouter): ProcedureEntry[] {
  const record = router._def.procedures as Record<string, unknown>;
  return Object.entries(record).flatMap(([path, procedure]): ProcedureEntry[] => {
    if (!isProcedure(procedure)) return [];
    const { type, meta, inputs } = procedure._def;
    // Each procedure here has at most one `.input()`; a chained second one would need merging.
    const input = inputs[0];
    return [{ path, type, meta: (meta ?? {}) as ProcedureMeta, input: input instanceof z.ZodType ? input : undefined }];
  });
}

/** A JSON Schema (draft 2020-12) of what a client sends, or null when the schema cannot be shown as one. */
export function inputJsonSchema(entry: ProcedureEntry): Record<string, unknown> | null {
  if (!entry.input) return null;
  try {
    return z.toJSONSchema(entry.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return null;
  }
}
