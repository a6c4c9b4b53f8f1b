import type { RestRoute } from './rest-route-table';

/** One entry of an operation's `x-codeSamples` (read by Scalar, Redoc and others). */
export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The route's path with its path parameters taken from the example, and the rest of the example split off. */
function fillPath(route: RestRoute, example: Record<string, unknown>): { path: string; rest: Record<string, unknown> } {
  const rest = { ...example };
  const path = route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  return { path, rest };
}

function curlSample(route: RestRoute, baseUrl: string, example: Record<string, unknown>, needsToken: boolean): string {
  const { path, rest } = fillPath(route, example);
  const auth = needsToken ? ` \\\n  -H "authorization: Bearer $TOKEN"` : '';
  if (route.method === 'GET' || route.method === 'DELETE') {
    const query = new URLSearchParams(Object.entries(rest).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
    const url = `${baseUrl}${path}${query.size ? `?${query}` : ''}`;
    return `curl -s${route.method === 'DELETE' ? ' -X DELETE' : ''} ${shellQuote(url)}${auth}`;
  }
  const body = Object.keys(rest).length ? ` \\\n  -H 'content-type: application/json' \\\n  -d ${shellQuote(JSON.stringify(rest))}` : '';
  return `curl -s -X ${route.method} ${shellQuote(`${baseUrl}${path}`)}${auth}${body}`;
}

function typescriptSample(route: RestRoute, baseUrl: string, example: unknown, needsToken: boolean): string {
  const call = route.procedure.type === 'query' ? 'query' : 'mutate';
  const input = JSON.stringify(example, null, 2).replace(/"(\w+)":/g, '$1:');
  return [
    "import { createDeliveryClient } from '@delivery/sdk';",
    '',
    `const client = createDeliveryClient({ url: '${baseUrl}'${needsToken ? ', token: process.env.TOKEN' : ''} });`,
    `const result = await client.${route.procedure.path}.${call}(${input});`,
  ].join('\n');
}

/**
 * curl and TypeScript (with `@delivery/sdk`) for one REST route, built from the procedure's example input
 * so that they work as printed against a freshly seeded server (order ids must be replaced).
 * @example codeSamplesFor(route, 'http://127.0.0.1:3000', { id: 1 }, false);
 */
export function codeSamplesFor(route: RestRoute, baseUrl: string, example: unknown, needsToken: boolean): CodeSample[] {
  const base = baseUrl.replace(/\/+$/, '');
  const fields = example && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  return [
    { lang: 'Shell', label: 'curl', source: curlSample(route, base, fields, needsToken) },
    { lang: 'TypeScript', label: 'TypeScript (@delivery/sdk)', source: typescriptSample(route, base, example ?? {}, needsToken) },
  ];
}
