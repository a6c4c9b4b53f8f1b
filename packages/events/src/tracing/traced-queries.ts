import type { LogEvent } from 'kysely';
import { recordFinishedSpan, SpanKind } from './tracing';

/**
 * Kysely's `log` hook that reports every statement as a span of the active trace (`db.query.text` holds the
 * SQL with placeholders, never the values). Nothing happens while no span records, that is while tracing is off.
 * @example new Kysely<DB>({ dialect, log: tracedQueries('mysql') });
 */
export function tracedQueries(system: 'mysql' | 'postgresql'): (event: LogEvent) => void {
  return (event) => {
    const text = event.query.sql;
    const verb = text.trimStart().split(/\s/, 1)[0]?.toLowerCase() || 'query';
    recordFinishedSpan(`db ${verb}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': system, 'db.query.text': text },
      durationMs: event.queryDurationMillis,
      ...(event.level === 'error' ? { failed: event.error } : {}),
    });
  };
}
