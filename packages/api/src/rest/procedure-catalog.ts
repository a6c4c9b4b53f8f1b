import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCProcedureType } from '@trpc/server';
import { z } from 'zod';
import { appRouter } from '../router/root.router';
import type { ProcedureMeta } from '../trpc/procedure-meta';

/** One procedure as the REST handler, the OpenAPI document and the panel see it. */
export interface ProcedureEntry {
  /** `menu.food.list` */
  path: string;
  type: TRPCProcedureType;
  meta: ProcedureMeta;
  /** The zod schema of the input; undefined when the procedure takes none. */
  input: z.ZodType | undefined;
  /** The zod schema of the output; undefined when the procedure declares none (the subscription). */
  output: z.ZodType | undefined;
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
    const output: unknown = (procedure._def as { output?: unknown }).output;
    // Each procedure here has at most one `.input()`; a chained second one would need merging.
    const input = inputs[0];
    return [
      {
        path,
        type,
        meta: (meta ?? {}) as ProcedureMeta,
        input: input instanceof z.ZodType ? input : undefined,
        output: output instanceof z.ZodType ? output : undefined,
      },
    ];
  });
}

/** A JSON Schema (draft 2020-12) of what a client sends, or null when the schema cannot be shown as one. */
export function inputJsonSchema(entry: ProcedureEntry): Record<string, unknown> | null {
  return jsonSchemaOf(entry.input, 'input');
}

/** A JSON Schema of what the procedure answers, or null when it declares no output schema. */
export function outputJsonSchema(entry: ProcedureEntry): Record<string, unknown> | null {
  return jsonSchemaOf(entry.output, 'output');
}

function jsonSchemaOf(schema: z.ZodType | undefined, io: 'input' | 'output'): Record<string, unknown> | null {
  if (!schema) return null;
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete json.$schema;
    return json;
  } catch {
    return null;
  }
}
