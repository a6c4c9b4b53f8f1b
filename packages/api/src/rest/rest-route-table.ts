import type { OpenApiMethod } from 'trpc-to-openapi';
import { inputJsonSchema, listProcedures, type ProcedureEntry } from './procedure-catalog';

/** A REST route: the procedure it calls and what the handler needs to build that procedure's input. */
export interface RestRoute {
  method: OpenApiMethod;
  /** `/api/v1/orders/{orderId}/cancel` */
  path: string;
  segments: readonly string[];
  procedure: ProcedureEntry;
  /** The JSON types each top-level input field accepts, to turn query and path text into them. */
  fieldTypes: ReadonlyMap<string, FieldType>;
}

/** What a text value from a URL may become. */
interface FieldType {
  types: ReadonlySet<string>;
  /** For arrays: the types of the elements. */
  itemTypes?: ReadonlySet<string>;
}

export type RouteMatch =
  | { kind: 'found'; route: RestRoute; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: OpenApiMethod[] }
  | { kind: 'none' };

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

function typesOf(schema: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const { type, anyOf, oneOf, enum: values } = node as { type?: unknown; anyOf?: unknown[]; oneOf?: unknown[]; enum?: unknown[] };
    if (typeof type === 'string') found.add(type);
    if (Array.isArray(type)) type.forEach((entry) => typeof entry === 'string' && found.add(entry));
    if (Array.isArray(values)) values.forEach((value) => found.add(value === null ? 'null' : typeof value));
    [...(anyOf ?? []), ...(oneOf ?? [])].forEach(visit);
  };
  visit(schema);
  return found;
}

function fieldTypesOf(entry: ProcedureEntry): Map<string, FieldType> {
  const schema = inputJsonSchema(entry);
  const properties = (schema?.properties ?? {}) as Record<string, { items?: unknown }>;
  return new Map(
    Object.entries(properties).map(([name, property]) => {
      const types = typesOf(property);
      return [name, types.has('array') ? { types, itemTypes: typesOf(property.items) } : { types }];
    }),
  );
}

/** The REST routes declared by the procedures' `meta.openapi`, static segments before parameters. */
export function buildRouteTable(procedures: readonly ProcedureEntry[] = listProcedures()): RestRoute[] {
  const routes = procedures.flatMap((procedure): RestRoute[] => {
    const openapi = procedure.meta.openapi;
    if (!openapi || openapi.enabled === false || procedure.type === 'subscription') return [];
    const path = openapi.path.replace(/\/+$/, '') || '/';
    return [{ method: openapi.method, path, segments: path.split('/').filter(Boolean), procedure, fieldTypes: fieldTypesOf(procedure) }];
  });
  // `/menu/food/all` must win over `/menu/food/{id}` whichever was declared first.
  const specificity = (route: RestRoute) => route.segments.map((segment) => (isParam(segment) ? '1' : '0')).join('');
  return routes.sort((a, b) => specificity(a).localeCompare(specificity(b)));
}

function matchSegments(route: RestRoute, segments: readonly string[]): Record<string, string> | null {
  if (route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, pattern] of route.segments.entries()) {
    const actual = segments[index]!;
    if (isParam(pattern)) params[pattern.slice(1, -1)] = actual;
    else if (pattern !== actual) return null;
  }
  return params;
}

/** The route for a method and path (`/api/v1/orders/abc`); path segments arrive percent-decoded. */
export function matchRoute(table: readonly RestRoute[], method: string, pathname: string): RouteMatch {
  let segments: string[];
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { kind: 'none' };
  }
  const allowed: OpenApiMethod[] = [];
  for (const route of table) {
    const params = matchSegments(route, segments);
    if (!params) continue;
    if (route.method === method.toUpperCase()) return { kind: 'found', route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}

function fromText(text: string, types: ReadonlySet<string> | undefined): unknown {
  if (!types || types.has('string')) return text;
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.has('null') && text === 'null') return null;
  // Left as text: the procedure's own schema then names the field and the type it expected.
  return text;
}

/**
 * Turns URL text (a query value, repeated for arrays, or a path segment) into the JSON value the input
 * schema expects, by the schema's declared types. The schemas themselves are never changed, so `/trpc`
 * keeps refusing `"1"` where a number is due.
 */
export function valueFromUrl(route: RestRoute, name: string, values: readonly string[]): unknown {
  const field = route.fieldTypes.get(name);
  if (field?.itemTypes) return values.map((value) => fromText(value, field.itemTypes));
  if (values.length > 1) return values.map((value) => fromText(value, field?.types));
  return fromText(values[0] ?? '', field?.types);
}
