import { sqlFamilyOf } from '@delivery/events';
import { sql, type Kysely } from 'kysely';

/** Test helpers only: what the database says about a table's indexes, on MySQL and PostgreSQL alike. */

/**
 * Each index of a table with its columns in order; the primary key as PRIMARY, as MySQL names it (on
 * PostgreSQL only under its default name `<table>_pkey`, so a primary key under another name shows).
 * @example expect(await indexColumns(db, 'order_view')).toEqual({ PRIMARY: 'order_id', ... });
 */
export async function indexColumns<DB>(db: Kysely<DB>, table: string): Promise<Record<string, string>> {
  const { rows } =
    sqlFamilyOf(db) === 'mysql'
      ? await sql<{ name: string; columns: string }>`
          select index_name as name, group_concat(column_name order by seq_in_index) as columns
          from information_schema.statistics where table_schema = database() and table_name = ${table}
          group by index_name`.execute(db)
      : await sql<{ name: string; columns: string }>`
          select case when x.indisprimary and i.relname = ${table} || '_pkey' then 'PRIMARY' else i.relname end as name,
            string_agg(a.attname, ',' order by k.n) as columns
          from pg_index x
          join pg_class i on i.oid = x.indexrelid
          join pg_class t on t.oid = x.indrelid
          cross join lateral unnest(x.indkey::int2[]) with ordinality as k(attnum, n)
          join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
          where t.relname = ${table} and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())
          group by x.indisprimary, i.relname`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.name, row.columns]));
}
