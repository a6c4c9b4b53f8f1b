import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** Statements of one kind (e.g. `update event_positions`) sent to one database. */
export interface StatementKind {
  kind: string;
  count: number;
  /** Summed time from the statement being sent until its answer came back (lock waits and fsyncs included). */
  totalMs: number;
}

/** What was sent to one database between two snapshots. */
export interface StatementProfile {
  statements: number;
  totalMs: number;
  kinds: StatementKind[];
}

type Counters = Map<string, Map<string, { count: number; totalMs: number }>>;

const counters: Counters = new Map();
const kinds = new Map<string, string>();
let installed = false;

/**
 * Counts and times every statement this process sends to MariaDB (mysql2's `mysql2:query` tracing channel)
 * and to PostgreSQL (`pg.Client#query`, wrapped once), by database name. The benchmark targets each own a
 * throwaway database, so the counts of one target never mix with another's. The cost is one timer read and
 * two map updates per statement, the same for every target.
 * @example installStatementTrace(); const before = statementSnapshot(db); ...; diffProfiles(statementSnapshot(db), before)
 */
export function installStatementTrace(): void {
  if (installed) return;
  installed = true;
  traceMysql2();
  tracePg();
}

/** Everything sent to `database` since the trace was installed. */
export function statementSnapshot(database: string): StatementProfile {
  const kinds = [...(counters.get(database) ?? new Map<string, { count: number; totalMs: number }>())].map(([kind, value]) => ({ kind, ...value }));
  return summarize(kinds);
}

/** Every database's statements since the trace was installed (for a process-wide dump). */
export function allStatementSnapshots(): Record<string, StatementProfile> {
  return Object.fromEntries([...counters.keys()].map((database) => [database, statementSnapshot(database)]));
}

export function resetStatementTrace(): void {
  counters.clear();
}

/** `later - earlier`, kind by kind. */
export function diffProfiles(later: StatementProfile, earlier: StatementProfile): StatementProfile {
  const before = new Map(earlier.kinds.map((kind) => [kind.kind, kind]));
  const kinds = later.kinds
    .map((kind) => ({
      kind: kind.kind,
      count: kind.count - (before.get(kind.kind)?.count ?? 0),
      totalMs: kind.totalMs - (before.get(kind.kind)?.totalMs ?? 0),
    }))
    .filter((kind) => kind.count > 0);
  return summarize(kinds);
}

export function addProfiles(a: StatementProfile, b: StatementProfile): StatementProfile {
  const merged = new Map<string, StatementKind>();
  for (const kind of [...a.kinds, ...b.kinds]) {
    const seen = merged.get(kind.kind);
    merged.set(kind.kind, seen ? { kind: kind.kind, count: seen.count + kind.count, totalMs: seen.totalMs + kind.totalMs } : { ...kind });
  }
  return summarize([...merged.values()]);
}

export const EMPTY_PROFILE: StatementProfile = { statements: 0, totalMs: 0, kinds: [] };

/**
 * "9.0 statements (begin 1, ... ), 41.3 ms in statements per append; slowest: update event_positions 22.0 ms"
 * — per unit of work (an append, a request), kinds in the order they were first sent.
 */
export function describePerUnit(profile: StatementProfile, units: number, unit: string): string {
  if (units === 0 || profile.statements === 0) return `no statements traced per ${unit}`;
  const per = (value: number) => value / units;
  const kinds = profile.kinds.map((kind) => `${kind.kind} ${formatCount(per(kind.count))}×/${per(kind.totalMs).toFixed(1)} ms`);
  return `${formatCount(per(profile.statements))} statements, ${per(profile.totalMs).toFixed(1)} ms waiting on them per ${unit} [${kinds.join('; ')}]`;
}

const formatCount = (value: number) => (Math.abs(value - Math.round(value)) < 0.05 ? String(Math.round(value)) : value.toFixed(2));

function summarize(kinds: StatementKind[]): StatementProfile {
  return {
    statements: kinds.reduce((sum, kind) => sum + kind.count, 0),
    totalMs: kinds.reduce((sum, kind) => sum + kind.totalMs, 0),
    kinds,
  };
}

function record(database: string, sql: string, ms: number): void {
  let byKind = counters.get(database);
  if (!byKind) {
    byKind = new Map();
    counters.set(database, byKind);
  }
  let kind = kinds.get(sql);
  if (kind === undefined) {
    kind = statementKind(sql);
    // Statements are parameterised, so a few hundred texts cover a run; the cap bounds a literal-heavy one.
    if (kinds.size < 5_000) kinds.set(sql, kind);
  }
  const seen = byKind.get(kind);
  if (seen) {
    seen.count++;
    seen.totalMs += ms;
  } else byKind.set(kind, { count: 1, totalMs: ms });
}

/** A short name for a statement: verb and table, without values (`insert into outbox`, `select … from streams for update`). */
export function statementKind(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim().toLowerCase().replaceAll('`', '').replaceAll('"', '');
  const write = /^(insert into|update|delete from) (\w+)/.exec(text);
  if (write) return `${write[1]} ${write[2]}`;
  const read = /^select .*? from (\w+)/.exec(text);
  if (read) return `select … from ${read[1]}${/ for update$/.test(text) ? ' for update' : ''}`;
  const cte = /^with (\w+) as \(\s*(\w+)/.exec(text);
  if (cte) return `with ${cte[1]} as (${cte[2]} …) …`;
  return text.split(' ').slice(0, 4).join(' ');
}

interface Mysql2QueryContext {
  query?: string;
  database?: string;
  startedAt?: number;
}

function traceMysql2(): void {
  for (const name of ['mysql2:query', 'mysql2:execute']) {
    diagnostics.tracingChannel<object, Mysql2QueryContext>(name).subscribe({
      start(context) {
        context.startedAt = performance.now();
      },
      end() {},
      asyncStart() {},
      asyncEnd(context) {
        if (context.startedAt === undefined) return;
        record(context.database ?? '', context.query ?? '', performance.now() - context.startedAt);
      },
      // A failed statement also ends with asyncEnd, where it is counted.
      error() {},
    });
  }
}

type QueryArgs = [unknown, ...unknown[]];

function tracePg(): void {
  const prototype = pg.Client.prototype as unknown as { query: (...args: QueryArgs) => unknown; database?: string };
  const original = prototype.query;
  prototype.query = function tracedQuery(this: { database?: string }, ...args: QueryArgs): unknown {
    const first = args[0];
    const sql = typeof first === 'string' ? first : typeof first === 'object' && first !== null && 'text' in first ? String(first.text) : '';
    const started = performance.now();
    const done = () => record(this.database ?? '', sql, performance.now() - started);
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (...callbackArgs: unknown[]) => {
        done();
        return (last as (...a: unknown[]) => unknown)(...callbackArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
    return result;
  };
}
