import type { TRPCProcedureType } from '@trpc/server';
import { inputJsonSchema, listProcedures, outputJsonSchema, type ProcedureEntry } from '../rest/procedure-catalog';
import { schemaTypeText } from './schema-type-text';
import { procedureExamples } from '../rest/procedure-examples';

/** One procedure as the panel shows it. */
export interface PanelProcedure {
  path: string;
  type: TRPCProcedureType;
  /** Who may call it, from the procedure's `meta.roles` (the procedure's middleware enforces it). */
  roles: readonly string[];
  summary: string | null;
  /** The same procedure's REST route, when it has one. */
  rest: { method: string; path: string } | null;
  /** JSON Schema of the input (zod 4's `toJSONSchema`), or null for none. */
  inputSchema: Record<string, unknown> | null;
  /** An input that succeeds against a freshly seeded server (order ids must be replaced). */
  example: unknown;
  /** What it answers, written as a TypeScript type (for the subscription: each event's data). */
  outputType: string;
}

/** The subscription declares no output schema: what it yields, as API.md says. */
const SUBSCRIPTION_OUTPUT =
  '{ id: string; data: { orderId: string; status: "pending" | "accepted" | "delivered" | "cancelled" | "rejected"; version: number; at: string } } (one per change)';

function panelProcedure(entry: ProcedureEntry): PanelProcedure {
  const openapi = entry.meta.openapi;
  const schema = inputJsonSchema(entry);
  const output = outputJsonSchema(entry);
  return {
    path: entry.path,
    type: entry.type,
    roles: entry.meta.roles ?? [],
    summary: openapi?.summary ?? null,
    rest: openapi && openapi.enabled !== false ? { method: openapi.method, path: openapi.path } : null,
    inputSchema: schema,
    example: procedureExamples[entry.path] ?? null,
    outputType: output ? schemaTypeText(output) : entry.type === 'subscription' ? SUBSCRIPTION_OUTPUT : 'unknown',
  };
}

/** Every procedure of the app's router, in declaration order, built from the router itself. */
export function panelCatalog(entries: readonly ProcedureEntry[] = listProcedures()): PanelProcedure[] {
  return entries.map(panelProcedure);
}
